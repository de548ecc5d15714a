import type { OutboxMetrics, OutboxQueue } from './outbox.metrics.js';
import { PollingLoop, type LoopTurn } from './polling-loop.js';

/**
 * A local write's work waits this long, to be claimed with the next few writes' in one batch: at
 * hundreds of sends a second, a turn's claim, webhook check and deletion then serve about ten sends.
 */
const WAKE_DELAY_MS = 25;
/** How often the worker reads the age of its queue's oldest row, for `outbox_oldest_age_seconds`. */
const OLDEST_EVERY_MS = 5_000;
/** The longest wait between turns while they fail (the database is down). */
const MAX_ERROR_DELAY_MS = 10_000;

export interface OutboxWorkerOptions {
  queue: OutboxQueue;
  pollMs: number;
  turn: LoopTurn;
  oldestAgeSeconds: () => Promise<number>;
  /** A turn failed before it could claim anything. */
  onError: (error: unknown) => void;
}

/** One queue's worker on this instance: the loop that works it off, and the gauge of its oldest row. */
export class OutboxWorker {
  private readonly loop: PollingLoop;
  private gauge?: NodeJS.Timeout;

  constructor(
    private readonly options: OutboxWorkerOptions,
    private readonly metrics: OutboxMetrics,
  ) {
    this.loop = new PollingLoop(options.turn, {
      intervalMs: options.pollMs,
      wakeDelayMs: WAKE_DELAY_MS,
      maxErrorDelayMs: MAX_ERROR_DELAY_MS,
      onError: options.onError,
    });
  }

  start(): void {
    this.loop.start();
    this.gauge = setInterval(() => {
      this.options
        .oldestAgeSeconds()
        .then((age) => this.metrics.oldestAge(this.options.queue, age))
        .catch(() => undefined);
    }, OLDEST_EVERY_MS).unref();
  }

  /** Work was stored here: take it now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    clearInterval(this.gauge);
    await this.loop.stop();
  }
}
