/** What a loop runs each turn: true when it did a full batch, so more is probably due right away. */
export type LoopTurn = () => Promise<boolean>;

export interface PollingLoopOptions {
  intervalMs: number;
  /**
   * How long a wake waits before its turn, so that the writes of the next few milliseconds are
   * claimed with it in one batch rather than one turn each. 0: at once.
   */
  wakeDelayMs?: number;
  /** The longest wait after consecutive failed turns (a database outage). */
  maxErrorDelayMs: number;
  onError: (error: unknown) => void;
}

/**
 * Runs `turn` one at a time: every `intervalMs`, at once when woken (a local write stored work),
 * again straight after a full batch, and less often while turns fail. A wake during a turn is not
 * lost: another turn follows it.
 */
export class PollingLoop {
  private timer?: NodeJS.Timeout;
  /** When the scheduled turn runs (ms since epoch). */
  private dueAt = Infinity;
  private running?: Promise<void>;
  private woken = false;
  private stopped = true;
  private failures = 0;

  constructor(
    private readonly turn: LoopTurn,
    private readonly options: PollingLoopOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  wake(): void {
    if (this.stopped) return;
    const delay = this.options.wakeDelayMs ?? 0;
    if (this.running) this.woken = true;
    else if (this.dueAt > Date.now() + delay) this.schedule(delay);
  }

  /** Stops scheduling and waits for a turn under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.dueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.run(), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    let more = false;
    this.running = (async () => {
      try {
        more = await this.turn();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        this.options.onError(error);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const woken = this.woken;
    this.woken = false;
    if (this.failures > 0) {
      this.schedule(Math.min(this.options.maxErrorDelayMs, this.options.intervalMs * 2 ** (this.failures - 1)));
    } else if (more) {
      this.schedule(0);
    } else {
      this.schedule(woken ? (this.options.wakeDelayMs ?? 0) : this.options.intervalMs);
    }
  }
}
