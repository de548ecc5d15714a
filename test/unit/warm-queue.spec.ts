import { setTimeout as sleep } from 'node:timers/promises';
import { WarmQueue } from '#src/warming/warm-queue.js';

/** Loads the test finishes when it likes; `started` counts those that ran. */
function loads() {
  const pending: (() => void)[] = [];
  return {
    load: () => new Promise<void>((resolve) => pending.push(resolve)),
    get started() {
      return pending.length;
    },
    finish: (index: number) => pending[index](),
  };
}

describe('the warming queue', () => {
  it('runs at most `concurrency` loads at once and the next in line when one ends', async () => {
    const queue = new WarmQueue({ concurrency: 2, capacity: 10, maxWaitMs: 10_000 });
    const source = loads();
    const submitted = Array.from({ length: 5 }, () => queue.submit(source.load));
    await sleep(0);
    expect(source.started).toBe(2);
    source.finish(0);
    await submitted[0];
    await sleep(0);
    expect(source.started).toBe(3);
    for (let i = 1; i < 5; i += 1) {
      await sleep(0);
      source.finish(i);
    }
    await expect(Promise.all(submitted)).resolves.toEqual([true, true, true, true, true]);
  });

  it('drops at once what finds the line full', async () => {
    const queue = new WarmQueue({ concurrency: 1, capacity: 2, maxWaitMs: 10_000 });
    const source = loads();
    const submitted = Array.from({ length: 5 }, () => queue.submit(source.load));
    await expect(submitted[3]).resolves.toBe(false);
    await expect(submitted[4]).resolves.toBe(false);
    expect(source.started).toBe(1);
  });

  it('drops, without running, what waited longer than `maxWaitMs` for its turn', async () => {
    const queue = new WarmQueue({ concurrency: 1, capacity: 10, maxWaitMs: 50 });
    const source = loads();
    const first = queue.submit(source.load);
    const late = queue.submit(source.load);
    await sleep(100);
    const fresh = queue.submit(source.load);
    source.finish(0);
    await expect(first).resolves.toBe(true);
    await expect(late).resolves.toBe(false);
    await sleep(0);
    expect(source.started).toBe(2);
    source.finish(1);
    await expect(fresh).resolves.toBe(true);
  });

  it('takes nothing more once closed, and drops what waits', async () => {
    const queue = new WarmQueue({ concurrency: 1, capacity: 10, maxWaitMs: 10_000 });
    const source = loads();
    const running = queue.submit(source.load);
    const waiting = queue.submit(source.load);
    queue.close();
    await expect(waiting).resolves.toBe(false);
    await expect(queue.submit(source.load)).resolves.toBe(false);
    source.finish(0);
    await expect(running).resolves.toBe(true);
    expect(source.started).toBe(1);
  });
});
