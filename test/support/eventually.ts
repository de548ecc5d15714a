import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads until `done` accepts the value or `timeoutMs` passes, and answers the last value read:
 * for what happens after a request is answered (an outbox fan-out), which the test then asserts on.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}
