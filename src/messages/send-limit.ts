import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import type { RateLimitRule } from '#src/infra/rate-limit/rate-limit.rule.js';

/** 30 messages a minute per user, counted on every instance (API.md). */
export const SEND_LIMIT: RateLimitRule = {
  name: 'message-send',
  limit: 30,
  windowMs: 60_000,
  by: (request) => `user:${(request as AuthenticatedRequest).auth?.userId}`,
};
