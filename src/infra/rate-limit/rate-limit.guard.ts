import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '#src/common/errors/app-error.js';
import { tooManyRequests } from '#src/common/errors/common.errors.js';
import { RATE_LIMIT_RULES, type RateLimitRule } from './rate-limit.rule.js';
import { RateLimitMetrics } from './rate-limit.metrics.js';
import { resetSeconds, retryAfterSeconds, type RateLimitResult } from './rate-limit-result.js';
import { RateLimiter } from './rate-limiter.service.js';

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.reflector.get<RateLimitRule[] | undefined>(RATE_LIMIT_RULES, context.getHandler()) ?? [];
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    for (const rule of rules) {
      const subject = rule.by?.(request) ?? `ip:${request.clientAddress}`;
      const result = await this.limiter.hitRule(rule, subject);
      setRateLimitHeaders(reply, result);
      if (!result.allowed) {
        this.metrics.rejected(request.routeOptions.url ?? 'unmatched', rule.name);
        throw rateLimited(result);
      }
    }
    return true;
  }
}

export function setRateLimitHeaders(reply: FastifyReply, result: RateLimitResult): void {
  void reply.headers({
    'x-ratelimit-limit': String(result.limit),
    'x-ratelimit-remaining': String(result.remaining),
    'x-ratelimit-reset': String(resetSeconds(result)),
  });
}

export function rateLimited(result: RateLimitResult): AppError {
  return tooManyRequests('Too many requests; retry later', retryAfterSeconds(result));
}
