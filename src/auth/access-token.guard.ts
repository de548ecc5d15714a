import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import { NOT_FOR_BOTS } from '#src/common/decorators/not-for-bots.decorator.js';
import { IS_PUBLIC } from '#src/common/decorators/public.decorator.js';
import { forbidden, unauthorized } from '#src/common/errors/common.errors.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { parseAuthorization } from './bot-key.js';

/**
 * Global: every route needs a valid, unrevoked credential unless marked `@Public()`: a user's
 * `Bearer` access token, or a bot's `Bot` API key (refused with 403 on `@NotForBots()` routes, once
 * the key is known to be good). Socket events pass: their connection was authenticated at the
 * handshake (see `SocketHandshake`).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = parseAuthorization(request.headers.authorization);
    if (!credential) throw unauthorized();
    if (credential.scheme === 'bearer') {
      request.auth = await this.verifier.verify(credential.token);
      return true;
    }
    request.auth = await this.verifier.verifyBotKey(credential.apiKey);
    if (this.reflector.getAllAndOverride<boolean>(NOT_FOR_BOTS, targets)) {
      throw forbidden('A bot cannot use this route');
    }
    return true;
  }
}
