import { Injectable } from '@nestjs/common';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { rateLimited } from '#src/infra/rate-limit/rate-limit.guard.js';
import { AuthMetrics } from './auth.metrics.js';

const WINDOW_MS = 60_000;
/** Failed sign-ins per account from one client address, per minute. */
const PER_ADDRESS = { name: 'login-failures', limit: 5 };
/** Failed sign-ins per account from all addresses together, per minute: a distributed guessing bound. */
const PER_ACCOUNT = { name: 'login-account', limit: 20 };

export interface LoginAttempt {
  /** The password was right: the attempt gives its slots back. */
  succeeded(): Promise<void>;
}

/**
 * Failed sign-ins, counted exactly across instances. Each attempt takes a slot before the password
 * is checked (so concurrent attempts cannot overshoot); a successful one gives its slots back.
 *
 * - 5 failures a minute per account and client address: someone failing elsewhere never uses up
 *   the owner's attempts.
 * - 20 failures a minute per account from all addresses. Past it, an address the account has
 *   signed in from before keeps its own 5; any other address is refused without a check until the
 *   minute has passed, which is what stops guessing spread over many addresses.
 *
 * Unknown accounts are counted the same way, by the login name.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Takes the slots of one attempt, or throws 429. `knownAddress` says whether the account has signed in from there. */
  async reserve(account: string, address: string, knownAddress: () => Promise<boolean>): Promise<LoginAttempt> {
    const pair = `${account}\n${address}`;
    const fromAddress = await this.limiter.hit(PER_ADDRESS.name, pair, PER_ADDRESS.limit, WINDOW_MS);
    if (!fromAddress.allowed) throw this.limited(fromAddress);
    const overall = await this.limiter.hit(PER_ACCOUNT.name, account, PER_ACCOUNT.limit, WINDOW_MS);
    if (!overall.allowed && !(await knownAddress())) {
      // Refused unchecked: not a failure of this address.
      await this.limiter.refund(PER_ADDRESS.name, pair);
      throw this.limited(overall);
    }
    return {
      succeeded: async () => {
        await this.limiter.refund(PER_ADDRESS.name, pair);
        // Only a slot that was taken is given back.
        if (overall.allowed) await this.limiter.refund(PER_ACCOUNT.name, account);
      },
    };
  }

  private limited(result: Parameters<typeof rateLimited>[0]) {
    this.metrics.login('limited');
    return rateLimited(result);
  }
}
