import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitMetrics } from '#src/infra/rate-limit/rate-limit.metrics.js';
import type { RateLimitRule } from '#src/infra/rate-limit/rate-limit.rule.js';
import { rateLimited, setRateLimitHeaders } from '#src/infra/rate-limit/rate-limit.guard.js';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { TokensService } from './tokens.service.js';

const REFRESH_LIMIT: RateLimitRule = { name: 'refresh-session', limit: 30, windowMs: 60_000 };

/**
 * 30 refreshes a minute per session, counted only for refresh tokens that verify (signed here):
 * anyone who knows a session id cannot use up its budget with made-up tokens. A token that does
 * not verify counts against nothing and is answered 401 by the route.
 */
@Injectable()
export class RefreshLimitGuard implements CanActivate {
  constructor(
    private readonly tokens: TokensService,
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const token = (request.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    const parts = typeof token === 'string' ? this.tokens.parseRefresh(token) : null;
    if (!parts) return true;
    const result = await this.limiter.hitRule(REFRESH_LIMIT, `session:${parts.sessionId}`);
    setRateLimitHeaders(http.getResponse<FastifyReply>(), result);
    if (!result.allowed) {
      this.metrics.rejected(request.routeOptions.url ?? 'unmatched', REFRESH_LIMIT.name);
      throw rateLimited(result);
    }
    return true;
  }
}
