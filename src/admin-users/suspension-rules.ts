import { invalidField } from '#src/common/errors/common.errors.js';
import type { AppError } from '#src/common/errors/app-error.js';
import { cannotSuspendAdmin, cannotSuspendSelf } from './admin-users.errors.js';

/**
 * Why the admin `actorId` may not suspend `targetId`, or null when they may. No one suspends
 * themselves, and admins do not suspend each other: whoever holds the database (the admin CLI) or
 * the configuration (ADMIN_EMAILS) takes the role away first, so one admin account cannot lock
 * every other admin out.
 */
export function suspensionRefusal(actorId: string, targetId: string, targetIsAdmin: boolean): AppError | null {
  if (actorId === targetId) return cannotSuspendSelf();
  if (targetIsAdmin) return cannotSuspendAdmin();
  return null;
}

/** When a suspension ends: `until`, which must be later than `now`; none (null) lasts until lifted. */
export function suspensionEnd(until: string | null | undefined, now: Date): Date | null {
  if (until === undefined || until === null) return null;
  const end = new Date(until);
  if (Number.isNaN(end.getTime())) throw invalidField('until', 'until must be an ISO-8601 date-time');
  if (end <= now) throw invalidField('until', 'until must be in the future');
  return end;
}
