import type { FastifyRequest } from 'fastify';
import { configSlice } from '#src/infra/config/config-slice.js';

/** The settings that size rate limits (operators tune those). */
export class RateLimitSettings extends configSlice(
  'MESSAGES_PER_MINUTE_PER_USER',
  'MESSAGE_CHANGES_PER_MINUTE_PER_USER',
  'REACTIONS_PER_MINUTE_PER_USER',
  'PINS_PER_MINUTE_PER_USER',
  'READ_MARKS_PER_MINUTE_PER_USER',
  'DELIVERY_MARKS_PER_MINUTE_PER_USER',
  'CONVERSATIONS_PER_MINUTE_PER_USER',
  'MEMBER_CHANGES_PER_MINUTE_PER_USER',
  'BANS_AND_MUTES_PER_MINUTE_PER_USER',
  'ACCOUNT_CHANGES_PER_MINUTE_PER_USER',
  'PRESENCE_READS_PER_MINUTE_PER_USER',
  'SYNCS_PER_MINUTE_PER_USER',
  'SEARCHES_PER_MINUTE_PER_USER',
  'TYPING_EVENTS_PER_MINUTE_PER_USER',
  'UPLOADS_PER_MINUTE_PER_USER',
  'WEBHOOK_CHANGES_PER_MINUTE_PER_USER',
  'REPORTS_PER_MINUTE_PER_USER',
  'ADMIN_ACTIONS_PER_MINUTE_PER_USER',
  'BOT_CHANGES_PER_MINUTE_PER_USER',
  'EXPORTS_PER_MINUTE_PER_USER',
) {}

export type RateLimitSetting = keyof RateLimitSettings;

export interface RateLimitRule {
  /** Names the limit in keys and metrics (`login-ip`). */
  name: string;
  /** A fixed number, or the name of the setting that holds it. */
  limit: number | RateLimitSetting;
  windowMs: number;
  /** Who is counted: defaults to the client address (`request.clientAddress`, under TRUST_PROXY). */
  by?: (request: FastifyRequest) => string | undefined;
}

export const RATE_LIMIT_RULES = 'rateLimitRules';
