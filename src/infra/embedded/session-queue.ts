import type { PGlite } from '@electric-sql/pglite';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Extended-query messages (Parse, Bind, Describe, Execute, Close, Flush): until the Sync that ends
 * them, they run in one implicit transaction of PGlite's only session.
 */
const MID_EXCHANGE = new Set([...'PBDECH'].map((letter) => letter.charCodeAt(0)));

/**
 * Runs the protocol messages of every connection, one at a time, on PGlite's single session, which
 * belongs to one connection from its first message until it is back at a transaction boundary: a
 * Sync or a simple query outside a transaction block. pglite-socket's own queue hands the session
 * over between any two messages outside an explicit transaction, so another connection's statement
 * could run inside a pending extended-query exchange and abort or roll back a statement that was
 * then answered as done (a row inserted, answered, and gone).
 */
export class SessionQueue {
  private readonly queue: Queued[] = [];
  private processing = false;
  /** The connection the session belongs to until its exchange or transaction ends. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId !== handlerId) continue;
      const [dropped] = this.queue.splice(i, 1);
      dropped.reject(new Error('Handler disconnected'));
    }
  }

  /** A connection that went away gives the session back, its transaction rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === this.owner);
        // Empty, or the owner's next message has not arrived yet: nobody else may use the session.
        if (index === -1 || index >= this.queue.length) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error);
        }
        this.owner = MID_EXCHANGE.has(item.message[0]) || this.db.isInTransaction() ? item.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }
}
