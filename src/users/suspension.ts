import { Prisma } from '#src/generated/prisma/client.js';

/** The suspension columns of a `users` row, as stored. */
export interface StoredSuspension {
  suspendedAt: Date | null;
  suspendedUntil: Date | null;
  suspensionReason: string | null;
}

/** A suspension in force: since when, until when (null: until lifted), and why. */
export interface Suspension {
  since: Date;
  until: Date | null;
  reason: string;
}

/**
 * The one rule for reading a stored suspension: it holds from `suspendedAt` until `suspendedUntil`
 * (for good without one). Once `until` has passed it is over for every reader at that moment, so
 * ending it needs no job; the columns stay until something replaces them. `suspendedSql` is the
 * same rule for queries.
 */
export function currentSuspension(stored: StoredSuspension, now = new Date()): Suspension | null {
  if (stored.suspendedAt === null) return null;
  if (stored.suspendedUntil !== null && stored.suspendedUntil <= now) return null;
  return { since: stored.suspendedAt, until: stored.suspendedUntil, reason: stored.suspensionReason ?? '' };
}

const ALIAS = /^[a-z_][a-z0-9_]*$/;

/** SQL that is true when the `users` row under `alias` is suspended now. `alias` is written in the code, never input. */
export function suspendedSql(alias: string): Prisma.Sql {
  if (!ALIAS.test(alias)) throw new Error(`not a table alias: ${alias}`);
  const table = Prisma.raw(alias);
  return Prisma.sql`(${table}.suspended_at IS NOT NULL AND (${table}.suspended_until IS NULL OR ${table}.suspended_until > now()))`;
}
