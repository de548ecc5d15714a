import { Prisma } from '#src/generated/prisma/client.js';

/** What a user may choose with `PUT /users/me/status`, as `users.status` holds it (a CHECK keeps it to these). */
export const USER_STATUSES = ['online', 'away', 'dnd', 'invisible'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** The status columns of a `users` row, as stored. */
export interface StoredStatus {
  status: string;
  statusText: string | null;
  statusExpiresAt: Date | null;
}

/** The status a user has right now. */
export interface CurrentStatus {
  status: UserStatus;
  statusText: string | null;
}

export const AVAILABLE: CurrentStatus = { status: 'online', statusText: null };

/**
 * The one rule for reading a stored status: once its expiry has passed it counts as `online` with no
 * text. The sweep clears expired rows within a heartbeat, and every reader applies this meanwhile, so
 * nobody sees a status a moment past its end. `hasStatusSql` is the same rule for queries.
 */
export function currentStatus(stored: StoredStatus, now = new Date()): CurrentStatus {
  if (stored.statusExpiresAt !== null && stored.statusExpiresAt <= now) return AVAILABLE;
  return { status: stored.status as UserStatus, statusText: stored.statusText };
}

const ALIAS = /^[a-z_][a-z0-9_]*$/;

/**
 * SQL that is true when the `users` row under `alias` has `status` now (chosen and not expired), e.g.
 * `hasStatusSql('u', 'dnd')` for whom a push must skip. `alias` is a table alias written in the
 * code, never input.
 */
export function hasStatusSql(alias: string, status: UserStatus): Prisma.Sql {
  if (!ALIAS.test(alias)) throw new Error(`not a table alias: ${alias}`);
  const table = Prisma.raw(alias);
  return Prisma.sql`(${table}.status = ${status} AND (${table}.status_expires_at IS NULL OR ${table}.status_expires_at > now()))`;
}
