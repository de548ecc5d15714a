/** How many warming loads run at once, how many may wait for a turn, and for how long. */
export interface WarmLimits {
  concurrency: number;
  capacity: number;
  maxWaitMs: number;
}

interface Waiting {
  admit: (admitted: boolean) => void;
  since: number;
}

/**
 * Warming loads, a few at a time, with a short line behind them. What finds the line full, or
 * waited longer than `maxWaitMs` for its turn, is dropped: a warmed entry is worth it only soon
 * (the client reads it next), and a dropped one costs one miss later, where a long line would
 * pile its loads onto PostgreSQL in a reconnect storm.
 */
export class WarmQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private closed = false;

  constructor(private readonly limits: WarmLimits) {}

  /** Runs `run` when its turn comes; false, without running it, when it was dropped. */
  async submit(run: () => Promise<void>): Promise<boolean> {
    if (!(await this.turn())) return false;
    try {
      await run();
      return true;
    } finally {
      this.running -= 1;
      this.next();
    }
  }

  /** At shutdown: what waits is dropped, and nothing more is taken. */
  close(): void {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) waiting.admit(false);
  }

  private turn(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.limits.capacity) return Promise.resolve(false);
    return new Promise((admit) => this.waiting.push({ admit, since: performance.now() }));
  }

  private next(): void {
    while (this.running < this.limits.concurrency && this.waiting.length > 0) {
      const waiting = this.waiting.shift()!;
      if (performance.now() - waiting.since > this.limits.maxWaitMs) {
        waiting.admit(false);
        continue;
      }
      this.running += 1;
      waiting.admit(true);
    }
  }
}
