import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '#src/infra/embedded/free-port.js';

/**
 * A redis-server of the test's own that it can stop and start again on the same port. It keeps its
 * data across restarts (append-only file), as a production Redis with persistence would.
 */
export interface RedisProcess {
  url: string;
  /** `empty`: without the data it kept, as a Redis without persistence comes back. */
  start(options?: { empty?: boolean }): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/** `args`: more `redis-server` options (`['--maxmemory', '4mb']`). */
export async function redisProcess(args: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chat-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const waitForPing = async () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      const up = await client.connect().then(
        () => client.ping().then(() => true),
        () => false,
      );
      client.disconnect();
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on ${port} did not start`);
  };

  const handle: RedisProcess = {
    url,
    async start({ empty = false } = {}) {
      if (empty) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
      }
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', ...args],
        {
          stdio: 'ignore',
        },
      );
      await waitForPing();
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

/** `redis-server` processes a test starts in one scratch directory, and stops together. */
export function redisServers(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const children: ChildProcess[] = [];
  return {
    dir,
    start(args: string[]): void {
      // A configuration file, when given, must be the first argument.
      children.push(spawn('redis-server', [...args, '--bind', '127.0.0.1', '--dir', dir], { stdio: 'ignore' }));
    },
    async stopAll(): Promise<void> {
      await Promise.all(
        children.splice(0).map((child) => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          return exited;
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
