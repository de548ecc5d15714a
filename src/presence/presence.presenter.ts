import { AVAILABLE, type CurrentStatus, type UserStatus } from './status-rule.js';

/** What others see: `offline` while the user has no socket or is invisible. */
export type PresenceStatus = Exclude<UserStatus, 'invisible'> | 'offline';

/** A user's presence as docs/api.md shows it, on REST and in `presence` events. */
export interface PresenceView {
  userId: string;
  online: boolean;
  /** `invisible` only in the user's own view. */
  status: PresenceStatus | 'invisible';
  statusText: string | null;
  lastSeenAt: string | null;
}

/**
 * A user as their contacts see them: their status and text while connected, and while not connected
 * or invisible exactly what an offline user looks like (`offline`, no text). `lastSeenAt` is what was
 * recorded, which an invisible user's activity does not move.
 */
export const toPresenceView = (
  userId: string,
  connected: boolean,
  lastSeenAt: Date | null,
  current: CurrentStatus = AVAILABLE,
): PresenceView => {
  const online = connected && current.status !== 'invisible';
  return {
    userId,
    online,
    status: online ? current.status : 'offline',
    statusText: online ? current.statusText : null,
    lastSeenAt: lastSeenAt?.toISOString() ?? null,
  };
};

/**
 * A user as they see themselves: the status they chose, `invisible` included, with its text, whether
 * or not they are connected (`online` says whether they are).
 */
export const toOwnPresenceView = (
  userId: string,
  connected: boolean,
  lastSeenAt: Date | null,
  current: CurrentStatus,
): PresenceView => ({
  userId,
  online: connected,
  status: current.status,
  statusText: current.statusText,
  lastSeenAt: lastSeenAt?.toISOString() ?? null,
});

/**
 * When a user was last seen, as their contacts get it: nothing when the user turned `showLastSeen`
 * off. The user's own view always has it.
 */
export const lastSeenForContacts = (lastSeenAt: Date | null, showLastSeen: boolean): Date | null =>
  showLastSeen ? lastSeenAt : null;

/** What anyone but a contact is told: exactly what a user never seen looks like. */
export const hiddenPresence = (userId: string): PresenceView => toPresenceView(userId, false, null);
