import type { AuthContext } from '#src/common/auth/auth-context.js';

/** At most this many verified tokens are remembered (a few MB): past it, the oldest are forgotten. */
export const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Access tokens whose signature and claims were verified already, by their exact text, until
 * they expire: a client sends the same token on every request for its whole life, and checking
 * the HMAC again each time cost as much as the rest of the auth. Only the signature check is
 * skipped: revocation is still asked of Redis on every request (`SessionStateService.admit`).
 */
export class VerifiedTokens {
  private readonly known = new Map<string, AuthContext>();

  constructor(private readonly capacity = MAX_VERIFIED_TOKENS) {}

  /** The claims of `token` if it was verified and has not expired by `now` (a copy: callers may keep it). */
  get(token: string, now = Date.now()): AuthContext | undefined {
    const auth = this.known.get(token);
    if (!auth) return undefined;
    // jsonwebtoken refuses a token from its `exp` second on: the same moment in ms.
    if (now >= auth.expiresAt) {
      this.known.delete(token);
      return undefined;
    }
    return { ...auth };
  }

  remember(token: string, auth: AuthContext): void {
    if (this.known.size >= this.capacity && !this.known.has(token)) {
      // A Map iterates in insertion order: the first key is the oldest.
      this.known.delete(this.known.keys().next().value as string);
    }
    this.known.set(token, { ...auth });
  }
}
