/** `online | offline` until users can set a status of their own. */
export type PresenceStatus = 'online' | 'offline';

/** A user's presence as docs/api.md shows it, on REST and in `presence` events. */
export interface PresenceView {
  userId: string;
  online: boolean;
  status: PresenceStatus;
  statusText: string | null;
  lastSeenAt: string | null;
}

export const toPresenceView = (userId: string, online: boolean, lastSeenAt: Date | null): PresenceView => ({
  userId,
  online,
  status: online ? 'online' : 'offline',
  statusText: null,
  lastSeenAt: lastSeenAt?.toISOString() ?? null,
});

/** What anyone but a contact is told: exactly what a user never seen looks like. */
export const hiddenPresence = (userId: string): PresenceView => toPresenceView(userId, false, null);
