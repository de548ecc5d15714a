import type { BanRow } from './bans.repository.js';

/** A ban as the group's owner and admins see it. */
export interface BanView {
  userId: string;
  bannedBy: string;
  reason: string | null;
  /** null: for ever. */
  until: string | null;
  createdAt: string;
}

/** A member's moderation mute, as `POST …/members/:userId/mute` answers it. */
export interface MemberMuteView {
  conversationId: string;
  userId: string;
  /** null: until unmuted. */
  until: string | null;
}

export const toBanView = (row: BanRow): BanView => ({
  userId: row.userId,
  bannedBy: row.bannedBy,
  reason: row.reason,
  until: row.until?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});
