import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeWebAppDist {
  dir: string;
  /** The files written, by path under /app/. */
  files: Record<string, string>;
  remove(): Promise<void>;
}

/**
 * A folder shaped like the web app's build (index.html, hashed files in assets/, a file of Vite's
 * public folder), for tests of the serving that must not depend on packages/web being built.
 */
export async function fakeWebAppDist(): Promise<FakeWebAppDist> {
  const dir = await mkdtemp(join(tmpdir(), 'web-app-'));
  const files: Record<string, string> = {
    'index.html':
      '<!doctype html><html><head><script type="module" src="/app/assets/index-B7xQ2kLm.js"></script>' +
      '<link rel="stylesheet" href="/app/assets/index-Cd9eR4tY.css"></head><body><div id="root"></div></body></html>',
    'assets/index-B7xQ2kLm.js': 'document.getElementById("root").textContent = "chat";\n',
    'assets/index-Cd9eR4tY.css': 'body { margin: 0; }\n',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>',
  };
  await mkdir(join(dir, 'assets'));
  await Promise.all(Object.entries(files).map(([path, text]) => writeFile(join(dir, path), text)));
  return { dir, files, remove: () => rm(dir, { recursive: true, force: true }) };
}
