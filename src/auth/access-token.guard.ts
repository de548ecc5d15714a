import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import { NOT_FOR_BOTS } from '#src/common/decorators/not-for-bots.decorator.js';
import { IS_PUBLIC } from '#src/common/decorators/public.decorator.js';
import { forbidden, unauthorized } from '#src/common/errors/common.errors.js';
import { PREFETCH_CACHE, type PrefetchKey } from '#src/infra/cache/cache-prefetch.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { parseAuthorization } from './bot-key.js';

/**
 * Global: every route needs a valid, unrevoked credential unless marked `@Public()`: a user's
 * `Bearer` access token, or a bot's `Bot` API key (refused with 403 on `@NotForBots()` routes, once
 * the key is known to be good). A route marked `@PrefetchCache` has its cache entry read in the
 * same round trip as the session check. Socket events pass: their connection was authenticated at the
 * handshake (see `SocketHandshake`).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly cache: CacheService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = parseAuthorization(request.headers.authorization);
    if (!credential) throw unauthorized();
    if (credential.scheme === 'bearer') {
      const { claims, admitted } = this.verifier.verifyInSteps(credential.token);
      // The route's cache read goes out with the session check, in one round trip; it is used
      // only by this request, and only once admitted.
      const prefetchKey = this.reflector.get<PrefetchKey | undefined>(PREFETCH_CACHE, context.getHandler());
      const key = prefetchKey?.(request, claims);
      if (key !== undefined) request.cachePrefetch = this.cache.prefetch(key);
      request.auth = await admitted;
      return true;
    }
    request.auth = await this.verifier.verifyBotKey(credential.apiKey);
    if (this.reflector.getAllAndOverride<boolean>(NOT_FOR_BOTS, targets)) {
      throw forbidden('A bot cannot use this route');
    }
    return true;
  }
}
