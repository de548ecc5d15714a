import { Injectable } from '@nestjs/common';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { rateLimited } from '#src/infra/rate-limit/rate-limit.guard.js';
import { AuthMetrics } from './auth.metrics.js';

const LIMIT_NAME = 'login-account';
const MAX_FAILURES = 5;
const WINDOW_MS = 60_000;

/**
 * At most 5 failed sign-ins per account per minute, counted exactly across instances: each attempt
 * takes a slot before the password is checked (so concurrent attempts cannot overshoot), and a
 * successful one gives its slot back. Unknown accounts are counted the same way.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Takes a slot for `account`, or throws 429 when it has no failures left this minute. */
  async reserve(account: string): Promise<{ succeeded(): Promise<void> }> {
    const result = await this.limiter.hit(LIMIT_NAME, account, MAX_FAILURES, WINDOW_MS);
    if (!result.allowed) {
      this.metrics.login('limited');
      throw rateLimited(result);
    }
    return { succeeded: () => this.limiter.refund(LIMIT_NAME, account) };
  }
}
