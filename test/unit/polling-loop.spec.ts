import { afterEach, beforeEach, jest } from '@jest/globals';
import { PollingLoop, type PollingLoopOptions } from '#src/infra/outbox/polling-loop.js';

const INTERVAL = 1_000;
const MAX_ERROR_DELAY = 4_000;

/** A turn the test finishes by hand: `finish(true)` answers a full batch, `fail()` throws. */
interface HeldTurn {
  finish: (full?: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * A loop over a turn that answers `answers` in order (then false), or, with `hold`, waits for
 * the test to finish it. `turns` counts the turns started, `starts` holds when each started (fake time).
 */
function aLoop({ answers = [], hold = false }: { answers?: (boolean | Error)[]; hold?: boolean } = {}) {
  const held: HeldTurn[] = [];
  const starts: number[] = [];
  const turn = jest.fn(() => {
    starts.push(Date.now());
    if (hold) {
      return new Promise<boolean>((resolve, reject) => {
        held.push({ finish: (full = false) => resolve(full), fail: reject });
      });
    }
    const answer = answers.shift() ?? false;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  });
  const onError = jest.fn<PollingLoopOptions['onError']>();
  const loop = new PollingLoop(turn, { intervalMs: INTERVAL, maxErrorDelayMs: MAX_ERROR_DELAY, onError });
  return { loop, onError, held, turns: () => starts.length, starts };
}

/**
 * "At once": a timer set with no delay while fake timers are ticking is due 1 ms later, so
 * turns that follow each other at once all start within this.
 */
const AT_ONCE_MS = 10;
/** Lets the timers due at once run, and the promises they start settle. */
const settle = () => jest.advanceTimersByTimeAsync(AT_ONCE_MS);
/** The gaps between the starts of consecutive turns. */
const gaps = (starts: number[]) => starts.slice(1).map((start, i) => start - starts[i]);

let running: { loop: PollingLoop; held: HeldTurn[] }[] = [];
const started = <T extends { loop: PollingLoop; held: HeldTurn[] }>(made: T): T => {
  running.push(made);
  made.loop.start();
  return made;
};

beforeEach(() => {
  jest.useFakeTimers();
  running = [];
});

afterEach(async () => {
  await Promise.all(
    running.map(({ loop, held }) => {
      const stopping = loop.stop();
      held.forEach((turn) => turn.finish());
      return stopping;
    }),
  );
  jest.useRealTimers();
});

describe('when the outbox loop runs a turn', () => {
  it('runs a turn as soon as it starts', async () => {
    const { turns } = started(aLoop());
    expect(turns()).toBe(0);
    await settle();
    expect(turns()).toBe(1);
  });

  it('runs nothing before it is started', async () => {
    const { loop, turns } = aLoop();
    loop.wake();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(turns()).toBe(0);
  });

  it('runs again at once after a full batch, and waits the interval after one that was not', async () => {
    const { turns, starts } = started(aLoop({ answers: [true, true, false] }));
    await settle();
    expect(turns()).toBe(3);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(turns()).toBe(4);
    const [afterFirst, afterSecond, afterPartial] = gaps(starts);
    expect(afterFirst).toBeLessThan(AT_ONCE_MS);
    expect(afterSecond).toBeLessThan(AT_ONCE_MS);
    expect(afterPartial).toBe(INTERVAL);
  });

  it('without wakes, runs once every interval', async () => {
    const { turns, starts } = started(aLoop());
    await settle();
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(turns()).toBe(6);
    expect(gaps(starts)).toEqual(Array(5).fill(INTERVAL));
  });

  it('runs at once when woken between turns, instead of waiting out the interval', async () => {
    const { loop, turns, starts } = started(aLoop());
    await settle();
    await jest.advanceTimersByTimeAsync(INTERVAL / 4);
    const wokenAt = Date.now();
    loop.wake();
    await settle();
    expect(turns()).toBe(2);
    expect(starts[1] - wokenAt).toBeLessThan(AT_ONCE_MS);
    // The next wait counts from that turn.
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(turns()).toBe(3);
    expect(starts[2] - starts[1]).toBe(INTERVAL);
  });

  it('never runs two turns at once', async () => {
    const { loop, held, turns } = started(aLoop({ hold: true }));
    await settle();
    loop.wake();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(turns()).toBe(1);
    held[0].finish();
    await settle();
    expect(turns()).toBe(2);
  });
});

describe('a wake during a running turn', () => {
  it('is not lost: exactly one more turn follows right after the running one', async () => {
    const { loop, held, turns } = started(aLoop({ hold: true }));
    await settle();
    expect(turns()).toBe(1);
    loop.wake();
    held[0].finish(false);
    await settle();
    expect(turns()).toBe(2);
  });

  it('is not doubled: several wakes during one turn cause one more turn, then the loop waits', async () => {
    const { loop, held, turns, starts } = started(aLoop({ hold: true }));
    await settle();
    loop.wake();
    loop.wake();
    loop.wake();
    held[0].finish(false);
    await settle();
    expect(turns()).toBe(2);
    const finishedAt = Date.now();
    held[1].finish(false);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(turns()).toBe(3);
    expect(starts[2] - finishedAt).toBe(INTERVAL);
  });
});

describe('when turns fail (a database outage)', () => {
  const outage = new Error('connection refused');

  it('tells onError of each failure', async () => {
    const { onError } = started(aLoop({ answers: [outage] }));
    await settle();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(outage);
  });

  it('waits longer after each consecutive failure, never beyond maxErrorDelayMs', async () => {
    const { turns, starts, onError } = started(aLoop({ answers: [outage, outage, outage, outage, outage] }));
    await jest.advanceTimersByTimeAsync(INTERVAL + 2 * INTERVAL + 2 * MAX_ERROR_DELAY);
    expect(turns()).toBe(5);
    expect(gaps(starts)).toEqual([INTERVAL, 2 * INTERVAL, MAX_ERROR_DELAY, MAX_ERROR_DELAY]);
    expect(onError).toHaveBeenCalledTimes(5);
  });

  it('backs off after a failed turn even when it was woken during it', async () => {
    const { loop, held, turns, starts } = started(aLoop({ hold: true }));
    await settle();
    loop.wake();
    held[0].fail(outage);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(turns()).toBe(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(INTERVAL);
  });

  it('goes back to the plain interval once a turn succeeds', async () => {
    const { turns, starts } = started(aLoop({ answers: [outage, outage, false, false] }));
    await jest.advanceTimersByTimeAsync(INTERVAL + 2 * INTERVAL + 2 * INTERVAL);
    expect(turns()).toBe(5);
    expect(gaps(starts)).toEqual([INTERVAL, 2 * INTERVAL, INTERVAL, INTERVAL]);
  });
});

describe('stopping the loop', () => {
  it('waits for the running turn to finish', async () => {
    const { loop, held } = started(aLoop({ hold: true }));
    await settle();
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    held[0].finish(true);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('runs no turn after it, even after a full batch or a wake during the last turn', async () => {
    const { loop, held, turns } = started(aLoop({ hold: true }));
    await settle();
    loop.wake();
    const stopping = loop.stop();
    held[0].finish(true);
    await stopping;
    loop.wake();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(turns()).toBe(1);
  });

  it('cancels the wait for the next turn when stopped between turns', async () => {
    const { loop, turns } = started(aLoop());
    await settle();
    await loop.stop();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(turns()).toBe(1);
  });
});
