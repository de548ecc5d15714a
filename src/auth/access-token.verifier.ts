import { Injectable } from '@nestjs/common';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { unauthorized } from '#src/common/errors/common.errors.js';
import { SessionStateService } from './session-state.service.js';
import { TokensService } from './tokens.service.js';

/** Checks an access token end to end: signature and expiry, then that neither it nor its session is revoked. */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly tokens: TokensService,
    private readonly state: SessionStateService,
  ) {}

  async verify(token: string): Promise<AuthContext> {
    const auth = this.tokens.verifyAccess(token);
    if (!(await this.state.admit(auth))) throw unauthorized();
    return auth;
  }
}
