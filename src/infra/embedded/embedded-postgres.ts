import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { freePort } from './free-port.js';
import type { PgliteWorkerData, PgliteWorkerMessage } from './pglite.worker.js';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL (PGlite) speaking the wire protocol on a free local port.
 * With `dataDir` the data persists there; without it the database lives in memory.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string } = {}): Promise<EmbeddedServer> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const host = '127.0.0.1';
  const port = await freePort(host);
  const worker = new Worker(new URL('./pglite.worker.js', import.meta.url), {
    workerData: { dataDir: options.dataDir, port, host } satisfies PgliteWorkerData,
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: PgliteWorkerMessage) =>
      message.type === 'ready' ? resolve() : reject(new Error(`embedded PostgreSQL: ${JSON.stringify(message)}`)),
    );
  });
  return {
    url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
    async stop() {
      // A worker that does not answer within 5 s is terminated anyway; the timer is cleared once it
      // answers, or it would keep the process alive for the rest of the 5 s.
      let timer: NodeJS.Timeout | undefined;
      const stopped = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        timer = setTimeout(resolve, 5000);
      });
      worker.postMessage('stop');
      await stopped;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
