import { createPrivateKey, type KeyObject } from 'node:crypto';
import { signedJwt } from './signed-jwt.js';

/**
 * APNs accepts a provider token for an hour and answers 429 TooManyProviderTokenUpdates to one
 * renewed more often than every 20 minutes: renew at 50 minutes, or at once when APNs says expired.
 */
const RENEW_AFTER_MS = 50 * 60_000;

/** The ES256 provider token of APNs token authentication, shared by every send while it lasts. */
export class ApnsProviderToken {
  private readonly key: KeyObject;
  private current?: { token: string; issuedAt: number };

  constructor(
    keyPem: string,
    private readonly keyId: string,
    private readonly teamId: string,
  ) {
    this.key = createPrivateKey(keyPem);
  }

  get(): string {
    if (!this.current || Date.now() - this.current.issuedAt >= RENEW_AFTER_MS) this.current = this.issue();
    return this.current.token;
  }

  /** APNs answered ExpiredProviderToken to `token`: replace it, once however many sends saw it. */
  expired(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private issue(): { token: string; issuedAt: number } {
    const issuedAt = Date.now();
    const token = signedJwt(
      { alg: 'ES256', kid: this.keyId },
      { iss: this.teamId, iat: Math.floor(issuedAt / 1000) },
      this.key,
    );
    return { token, issuedAt };
  }
}
