export default async function globalTeardown() {
  await Promise.allSettled((globalThis.__embeddedServers ?? []).map((server) => server.stop()));
}
