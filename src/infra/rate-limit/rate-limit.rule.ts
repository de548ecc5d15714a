import type { FastifyRequest } from 'fastify';

export interface RateLimitRule {
  /** Names the limit in keys and metrics (`login-ip`). */
  name: string;
  limit: number;
  windowMs: number;
  /** Who is counted: defaults to the client address (from X-Forwarded-For only when TRUST_PROXY=true). */
  by?: (request: FastifyRequest) => string | undefined;
}

export const RATE_LIMIT_RULES = 'rateLimitRules';
