// Runs PGlite and its wire-protocol server on a thread of its own: PGlite executes queries
// synchronously in WebAssembly, which would otherwise stall the application's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SessionQueue } from './session-queue.js';

export interface PgliteWorkerData {
  /** Directory for the data files; undefined keeps the database in memory. */
  dataDir?: string;
  port: number;
  host: string;
}

export type PgliteWorkerMessage = { type: 'ready' } | { type: 'stopped' } | { type: 'error'; message: string };

const { dataDir, port, host } = workerData as PgliteWorkerData;

async function main(): Promise<void> {
  // pg_trgm backs message search's substring index; PGlite ships it but loads only what it is given.
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, port, host, maxConnections: 100 });
  // Connections made from now on use this queue: see SessionQueue for why the built-in one is replaced.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  await server.start();
  parentPort!.postMessage({ type: 'ready' } satisfies PgliteWorkerMessage);
  parentPort!.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void server
      .stop()
      .then(() => db.close())
      .finally(() => parentPort!.postMessage({ type: 'stopped' } satisfies PgliteWorkerMessage));
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  parentPort!.postMessage({ type: 'error', message } satisfies PgliteWorkerMessage);
});
