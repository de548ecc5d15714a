import { jest } from '@jest/globals';
import type { AuthMetrics } from '#src/auth/auth.metrics.js';
import { LoginAttempts } from '#src/auth/login-attempts.js';
import type { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';

/** Counts hits per limit and subject within one window; a refused hit is not counted. */
class FakeLimiter {
  readonly counts = new Map<string, number>();
  hit(name: string, subject: string, limit: number, windowMs: number) {
    const key = `${name}|${subject}`;
    const count = this.counts.get(key) ?? 0;
    const allowed = count < limit;
    if (allowed) this.counts.set(key, count + 1);
    return Promise.resolve({ allowed, limit, remaining: Math.max(0, limit - count - 1), resetMs: windowMs });
  }
  refund(name: string, subject: string) {
    const key = `${name}|${subject}`;
    this.counts.set(key, Math.max(0, (this.counts.get(key) ?? 0) - 1));
    return Promise.resolve();
  }
}

function subject() {
  const limiter = new FakeLimiter();
  const metrics = { login: jest.fn() };
  const attempts = new LoginAttempts(limiter as unknown as RateLimiter, metrics as unknown as AuthMetrics);
  return { attempts, limiter, metrics };
}

const unknownAddress = () => Promise.resolve(false);
const knownAddress = () => Promise.resolve(true);
const refusal = { status: 429, code: 'RATE_LIMITED' };

describe('LoginAttempts', () => {
  it('allows 5 failures per account and address, then refuses that address only', async () => {
    const { attempts, metrics } = subject();
    for (let i = 0; i < 5; i++) await attempts.reserve('ann', '198.51.100.1', unknownAddress);
    await expect(attempts.reserve('ann', '198.51.100.1', unknownAddress)).rejects.toMatchObject(refusal);
    expect(metrics.login).toHaveBeenCalledWith('limited');
    // The owner elsewhere, and the same address for another account, still have theirs.
    await expect(attempts.reserve('ann', '203.0.113.7', unknownAddress)).resolves.toBeDefined();
    await expect(attempts.reserve('bob', '198.51.100.1', unknownAddress)).resolves.toBeDefined();
  });

  it('gives both slots back on success', async () => {
    const { attempts, limiter } = subject();
    for (let i = 0; i < 5; i++) await (await attempts.reserve('ann', '203.0.113.7', unknownAddress)).succeeded();
    expect([...limiter.counts.values()]).toEqual([0, 0]);
  });

  it('past 20 failures per account, gives unknown addresses 1 checked attempt and known ones their own 5', async () => {
    const { attempts, limiter } = subject();
    for (let i = 0; i < 20; i++) await attempts.reserve('ann', `198.51.100.${i}`, unknownAddress);
    const known = jest.fn(unknownAddress);
    // A new address still gets its first attempt checked (the owner signing in from a new place)...
    const first = await attempts.reserve('ann', '192.0.2.1', known);
    expect(known).toHaveBeenCalledTimes(1);
    // ...but a failure there uses up that address for the minute.
    await expect(attempts.reserve('ann', '192.0.2.1', unknownAddress)).rejects.toMatchObject(refusal);
    await first.succeeded();
    expect(limiter.counts.get('login-failures|ann\n192.0.2.1')).toBe(0);

    for (let i = 0; i < 5; i++) {
      const attempt = await attempts.reserve('ann', '203.0.113.7', knownAddress);
      if (i === 4) await attempt.succeeded();
    }
    await expect(attempts.reserve('ann', '203.0.113.7', knownAddress)).resolves.toBeDefined();
    await expect(attempts.reserve('ann', '203.0.113.7', knownAddress)).rejects.toMatchObject(refusal);
    // The account-wide slots it never got are not given back.
    expect(limiter.counts.get('login-account|ann')).toBe(20);
  });

  it('does not ask whether the address is known while the account is under its bound', async () => {
    const { attempts } = subject();
    const known = jest.fn(knownAddress);
    await attempts.reserve('ann', '203.0.113.7', known);
    expect(known).not.toHaveBeenCalled();
  });
});
