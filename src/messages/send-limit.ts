import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import type { RateLimitRule } from '#src/infra/rate-limit/rate-limit.rule.js';

/** Messages a minute per user (30 by default, API.md), counted on every instance, over REST and sockets. */
export const SEND_LIMIT: RateLimitRule = {
  name: 'message-send',
  limit: 'MESSAGES_PER_MINUTE_PER_USER',
  windowMs: 60_000,
  by: (request) => `user:${(request as AuthenticatedRequest).auth?.userId}`,
};
