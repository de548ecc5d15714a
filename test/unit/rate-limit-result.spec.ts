import {
  failedOpen,
  fromWindowReply,
  resetSeconds,
  retryAfterSeconds,
} from '#src/infra/rate-limit/rate-limit-result.js';

describe('rate-limit results', () => {
  it('reads a counted hit: remaining slots and when the oldest counted hit leaves the window', () => {
    expect(fromWindowReply([1, 2, 59_400], 5)).toEqual({ allowed: true, limit: 5, remaining: 3, resetMs: 59_400 });
  });

  it('reads a refused hit: nothing remains, and the reset is when a slot frees', () => {
    expect(fromWindowReply([0, 5, 1_200], 5)).toEqual({ allowed: false, limit: 5, remaining: 0, resetMs: 1_200 });
  });

  it('never reports negative remaining slots or reset times (a limit lowered below the hits already counted)', () => {
    expect(fromWindowReply([0, 8, -3], 5)).toMatchObject({ remaining: 0, resetMs: 0 });
  });

  it('fails open with the whole limit and window', () => {
    expect(failedOpen(30, 60_000)).toEqual({ allowed: true, limit: 30, remaining: 30, resetMs: 60_000 });
  });

  it('rounds Retry-After up to whole seconds, never below 1: waiting that long frees a slot', () => {
    const refused = (resetMs: number) => fromWindowReply([0, 5, resetMs], 5);
    expect(retryAfterSeconds(refused(1))).toBe(1);
    expect(retryAfterSeconds(refused(0))).toBe(1);
    expect(retryAfterSeconds(refused(1_001))).toBe(2);
    expect(retryAfterSeconds(refused(60_000))).toBe(60);
  });

  it('rounds X-RateLimit-Reset up to whole seconds', () => {
    expect(resetSeconds(fromWindowReply([1, 1, 60_000], 5))).toBe(60);
    expect(resetSeconds(fromWindowReply([1, 1, 59_001], 5))).toBe(60);
    expect(resetSeconds(fromWindowReply([1, 1, 0], 5))).toBe(0);
  });
});
