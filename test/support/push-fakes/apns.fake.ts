import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createSecureServer, type IncomingHttpHeaders, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { checkJwt, nowSeconds } from './jwt-check.js';
import { trustTestCa } from './test-ca.js';

export interface ApnsRequest {
  deviceToken: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface ApnsFake {
  origin: string;
  /** The .p8 signing key (PEM), its key id, the team id and the topic the fake expects. */
  keyP8: string;
  keyId: string;
  teamId: string;
  topic: string;
  received: ApnsRequest[];
  /** Distinct provider tokens that authenticated a request: few means they were reused. */
  providerTokens: Set<string>;
  rejections: { path: string; status: number; reason: string }[];
  /** The device token answers 410 Unregistered from now on. */
  unregister(deviceToken: string): void;
  /** Every provider token seen so far answers 403 ExpiredProviderToken from now on. */
  expireProviderTokens(): void;
  close(): Promise<void>;
}

/** APNs' provider API over TLS HTTP/2, checking the ES256 provider token and the notification headers. */
export async function startApnsFake(): Promise<ApnsFake> {
  const ca = trustTestCa();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKey = createPublicKey(privateKey);
  const keyId = 'ABCDE12345';
  const teamId = 'TEAM123456';
  const topic = 'com.example.chat';
  const received: ApnsRequest[] = [];
  const providerTokens = new Set<string>();
  const expired = new Set<string>();
  const unregistered = new Set<string>();
  const rejections: ApnsFake['rejections'] = [];

  function problem(headers: IncomingHttpHeaders, token: string): [number, string] | undefined {
    const jwt = checkJwt(token, 'ES256', publicKey);
    if (typeof jwt === 'string') return [403, 'InvalidProviderToken'];
    if (jwt.header.kid !== keyId) return [403, 'InvalidProviderToken'];
    const { iss, iat } = jwt.claims;
    if (iss !== teamId) return [403, 'InvalidProviderToken'];
    if (typeof iat !== 'number' || iat < nowSeconds() - 3600 || iat > nowSeconds() + 60)
      return [403, 'ExpiredProviderToken'];
    if (headers['apns-topic'] !== topic) return [400, 'DeviceTokenNotForTopic'];
    if (headers['apns-push-type'] !== 'alert') return [400, 'InvalidPushType'];
    if (!/^[0-9a-f]{32}$/.test(String(headers['apns-collapse-id'] ?? ''))) return [400, 'BadCollapseId'];
    if (!/^\d+$/.test(String(headers['apns-expiration'] ?? ''))) return [400, 'BadExpirationDate'];
    return undefined;
  }

  const server = createSecureServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const path = request.url;
      const answer = (status: number, reason?: string) =>
        response.writeHead(status, { 'apns-id': randomUUID() }).end(reason ? JSON.stringify({ reason }) : '');
      const reject = (status: number, reason: string) => {
        rejections.push({ path, status, reason });
        answer(status, reason);
      };
      const deviceToken = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(path)?.[1];
      if (request.method !== 'POST' || !deviceToken) return reject(404, 'BadPath');
      const token = /^bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return reject(403, 'MissingProviderToken');
      if (expired.has(token)) return answer(403, 'ExpiredProviderToken');
      const refused = problem(request.headers, token);
      if (refused) return reject(...refused);
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        return reject(400, 'PayloadEmpty');
      }
      if (typeof body?.aps?.alert?.title !== 'string' || typeof body.aps.badge !== 'number') {
        return reject(400, 'BadPayload');
      }
      providerTokens.add(token);
      if (unregistered.has(deviceToken)) return answer(410, 'Unregistered');
      received.push({ deviceToken, headers: request.headers, body });
      answer(200);
    });
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keyP8: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    keyId,
    teamId,
    topic,
    received,
    providerTokens,
    rejections,
    unregister: (deviceToken) => void unregistered.add(deviceToken),
    expireProviderTokens: () => providerTokens.forEach((token) => expired.add(token)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Sessions the client keeps open would hold close() back.
        for (const session of sessions) session.destroy();
      }),
  };
}
