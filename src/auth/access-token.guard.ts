import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import { IS_PUBLIC } from '#src/common/decorators/public.decorator.js';
import { unauthorized } from '#src/common/errors/common.errors.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/**
 * Global: every route needs a valid, unrevoked access token unless marked `@Public()`. Socket
 * events pass: their connection was authenticated at the handshake (see `SocketHandshake`).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const parts = (request.headers.authorization ?? '').split(' ');
    const [scheme, token] = parts;
    if (parts.length !== 2 || scheme.toLowerCase() !== 'bearer' || !token) throw unauthorized();
    request.auth = await this.verifier.verify(token);
    return true;
  }
}
