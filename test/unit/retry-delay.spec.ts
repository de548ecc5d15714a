import { retryDelayMs, type RetryPolicy } from '#src/infra/outbox/retry-delay.js';

const policy: RetryPolicy = { baseMs: 1_000, capMs: 60_000 };
const lowest = () => 0;
const highest = () => 1;
const middle = () => 0.5;

describe('how long outbox work waits before it is retried', () => {
  it('waits the base step before the first retry, whether the attempt count is 0 or 1', () => {
    for (const attempts of [0, 1]) {
      expect(retryDelayMs(attempts, policy, highest)).toBe(1_000);
      expect(retryDelayMs(attempts, policy, lowest)).toBe(500);
    }
  });

  it('doubles the step with every further attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempts) => retryDelayMs(attempts, policy, highest))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it('never waits beyond the cap, however many attempts failed', () => {
    for (const attempts of [7, 8, 20, 100, 5_000]) {
      expect(retryDelayMs(attempts, policy, highest)).toBe(60_000);
      expect(retryDelayMs(attempts, policy, lowest)).toBe(30_000);
    }
  });

  it('keeps the jittered delay within the second half of its step: [step/2, step]', () => {
    const steps = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000];
    steps.forEach((step, i) => {
      const attempts = i + 1;
      expect(retryDelayMs(attempts, policy, lowest)).toBe(step / 2);
      expect(retryDelayMs(attempts, policy, middle)).toBe((step * 3) / 4);
      expect(retryDelayMs(attempts, policy, highest)).toBe(step);
    });
  });

  it('spreads retries that failed together when left to Math.random, never outside [step/2, step]', () => {
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, policy));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
