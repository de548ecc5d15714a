import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '#src/infra/config/app-config.js';

/** The names of the settings whose values are numbers. */
export type NumericSetting = { [K in keyof AppConfig]-?: AppConfig[K] extends number ? K : never }[keyof AppConfig];

export interface RateLimitRule {
  /** Names the limit in keys and metrics (`login-ip`). */
  name: string;
  /** A fixed number, or the name of the setting that holds it (operators tune those). */
  limit: number | NumericSetting;
  windowMs: number;
  /** Who is counted: defaults to the client address (`request.clientAddress`, under TRUST_PROXY). */
  by?: (request: FastifyRequest) => string | undefined;
}

export const RATE_LIMIT_RULES = 'rateLimitRules';
