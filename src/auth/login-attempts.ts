import { Injectable } from '@nestjs/common';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { rateLimited } from '#src/infra/rate-limit/rate-limit.guard.js';
import { AuthMetrics } from './auth.metrics.js';

const WINDOW_MS = 60_000;
/** Failed sign-ins per account from one client address, per minute. */
const PER_ADDRESS = { name: 'login-failures', limit: 5 };
/** Failed sign-ins per account from all addresses together, per minute: a distributed guessing bound. */
const PER_ACCOUNT = { name: 'login-account', limit: 20 };
/** Failed sign-ins per account from an address it never signed in from, while past `PER_ACCOUNT`. */
const PER_ADDRESS_UNDER_ATTACK = 1;

export interface LoginAttempt {
  /** The password was right: the attempt gives its slots back. */
  succeeded(): Promise<void>;
}

/**
 * Failed sign-ins, counted exactly across instances. Each attempt takes a slot before the password
 * is checked (so concurrent attempts cannot overshoot); a successful one gives its slots back.
 *
 * - 5 failures a minute per account and client address: someone failing elsewhere never uses up
 *   the owner's attempts, so a right password is only ever refused after failures from its own address.
 * - 20 failures a minute per account from all addresses: past it the account is under a distributed
 *   attack, and each address it has never signed in from gets 1 checked attempt a minute instead
 *   of 5 (addresses it has signed in from keep their 5). The first attempt from anywhere is still
 *   checked, so the owner signs in from a new place too.
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
    const overall = await this.limiter.hit(PER_ACCOUNT.name, account, PER_ACCOUNT.limit, WINDOW_MS);
    const perAddress = overall.allowed || (await knownAddress()) ? PER_ADDRESS.limit : PER_ADDRESS_UNDER_ATTACK;
    const fromAddress = await this.limiter.hit(PER_ADDRESS.name, pair, perAddress, WINDOW_MS);
    if (!fromAddress.allowed) {
      // Refused unchecked: no failure of the account.
      if (overall.allowed) await this.limiter.refund(PER_ACCOUNT.name, account);
      throw this.limited(fromAddress);
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
