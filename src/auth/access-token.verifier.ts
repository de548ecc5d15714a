import { Injectable } from '@nestjs/common';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { unauthorized } from '#src/common/errors/common.errors.js';
import { BotKeys } from './bot-keys.service.js';
import { SessionStateService } from './session-state.service.js';
import { TokensService } from './tokens.service.js';

/**
 * Checks a caller's credential end to end: an access token's signature and expiry, or a bot key's
 * owner; then, for both, that neither the token nor its session is revoked.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly tokens: TokensService,
    private readonly state: SessionStateService,
    private readonly botKeys: BotKeys,
  ) {}

  async verify(token: string): Promise<AuthContext> {
    return this.admitted(this.tokens.verifyAccess(token));
  }

  /**
   * `verify` in its two steps: the token's claims, known at once (or 401), then its admission,
   * whose Redis commands are sent before this returns.
   */
  verifyInSteps(token: string): { claims: AuthContext; admitted: Promise<AuthContext> } {
    const claims = this.tokens.verifyAccess(token);
    return { claims, admitted: this.admitted(claims) };
  }

  /**
   * A bot's key (already of the right shape) stands for its bot and the key's own session; the id
   * of the key plays the token id.
   */
  async verifyBotKey(apiKey: string): Promise<AuthContext> {
    const owner = await this.botKeys.owner(apiKey);
    if (!owner) throw unauthorized();
    return this.admitted({
      userId: owner.botId,
      sessionId: owner.sessionId,
      jti: owner.keyId,
      expiresAt: owner.expiresAt,
    });
  }

  private async admitted(auth: AuthContext): Promise<AuthContext> {
    if (!(await this.state.admit(auth))) throw unauthorized();
    return auth;
  }
}
