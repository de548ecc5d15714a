import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '#src/infra/embedded/free-port.js';
import { httpRequest, type HttpResponse } from './test-app.js';
import { TEST_JWT_SECRET, testDatabaseUrl, testRedisUrl } from './test-config.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** Faults at chosen points of an instance process, for `preload` (see the file). */
export const FAULT_HOOKS = fileURLToPath(new URL('./fault-hooks.mjs', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  request(method: string, path: string, headers?: Record<string, string>): Promise<HttpResponse>;
  /** Resolves once `/health/readiness` answers 200; rejects after `timeoutMs` or if the process exits. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (for cleanup). */
  kill(): void;
}

/**
 * The environment of an instance process on the test servers, run as in production behind one proxy
 * hop (a test's X-Forwarded-For plays that proxy), with `overrides` on top.
 */
export function instanceEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    JWT_SECRET: TEST_JWT_SECRET,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    TRUST_PROXY: 'true',
    ...overrides,
  };
}

export interface SpawnOptions {
  /** Modules node loads before the app (`--import`), e.g. test/support/fault-hooks.mjs. */
  preload?: string[];
}

/**
 * Starts `node dist/main.js` as its own process with exactly `env` (plus PATH and HOME), on a free
 * port unless `env.PORT` is given.
 */
export async function spawnApp(env: Record<string, string>, options: SpawnOptions = {}): Promise<AppProcess> {
  const port = env.PORT ?? String(await freePort());
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...preload, MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: port, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  let running = true;
  void exited.then(() => (running = false));

  return {
    child,
    baseUrl,
    exited,
    stdout: () => out,
    stderr: () => err,
    request: (method, path, headers) => httpRequest(baseUrl, method, path, { headers }),
    async waitUntilReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!running) throw new Error(`app exited before it was ready:\n${err}\n${out}`);
        const ready = await httpRequest(baseUrl, 'GET', '/health/readiness').then(
          (response) => response.status === 200,
          () => false,
        );
        if (ready) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`app not ready within ${timeoutMs} ms:\n${err}\n${out}`);
    },
    kill: () => {
      if (running) child.kill('SIGKILL');
    },
  };
}

/**
 * An instance process that is ready to serve: started with `env`, and started again (up to three
 * tries in all) when it does not become ready, as on a busy machine. Each one started is pushed to
 * `started`, for the caller to kill afterwards.
 */
export async function spawnReadyApp(
  env: Record<string, string>,
  started: AppProcess[],
  options: SpawnOptions = {},
): Promise<AppProcess> {
  for (let tries = 1; ; tries++) {
    const app = await spawnApp(env, options);
    started.push(app);
    try {
      await app.waitUntilReady(20_000);
      return app;
    } catch (error) {
      app.kill();
      if (tries >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Waits until `app` has written `line` to its standard output. */
export async function untilOutput(app: AppProcess, line: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.stdout().includes(line)) {
    if (Date.now() > deadline) throw new Error(`no "${line}" within ${timeoutMs} ms:\n${app.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
