import type { ConversationSummary } from './conversation.events.js';
import type { ConversationType, MemberRole, MemberStatus, ModerationMute } from './conversation-meta.js';
import type { ConversationEntryRow, MemberRow, UnreadCounts } from './conversations.repository.js';
import type { MessageView } from './message.presenter.js';
import { moderationMuteOf } from './moderation-rules.js';

/** A member as shown in a conversation: enough to render a name and an avatar. */
export interface MemberView {
  userId: string;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  role: MemberRole;
  deleted: boolean;
  /** Muted by the group's owner or an admin (reads, cannot write); null when not, or once `until` passed. */
  moderationMute: ModerationMute | null;
}

/** A conversation as its member sees it: their own status, read mark and unread count included. */
export interface ConversationView {
  id: string;
  type: ConversationType;
  title: string | null;
  /** The caller's answer to a message request (`pending` until accepted); `accepted` otherwise. */
  status: MemberStatus;
  role: MemberRole;
  /** The caller's own notification setting. */
  muted: boolean;
  /** Whether the group's owner or an admin muted the caller (see MemberView). */
  moderationMute: ModerationMute | null;
  /** Groups: members other than the owner and admins send one message per this many seconds; 0 is off. */
  slowModeSeconds: number;
  /** Groups: only the owner and admins write. */
  frozen: boolean;
  memberCount: number;
  /** The first members by join time (5 in lists, all in the detail). */
  members: MemberView[];
  lastSeq: number;
  lastReadSeq: number;
  /** Timeline messages past the read mark: thread replies count in their threads only. */
  unreadCount: number;
  /** Of those, the ones that mention the caller (by name, or `@all`). */
  unreadMentionCount: number;
  lastMessage: MessageView | null;
  createdAt: string;
  lastActivityAt: string;
}

const toMemberView = (row: MemberRow, now: Date): MemberView => ({
  userId: row.userId,
  username: row.username,
  displayName: row.displayName,
  avatarUrl: row.avatarUrl,
  role: row.role,
  deleted: row.deletedAt !== null,
  moderationMute: moderationMuteOf(row.moderationMuted, row.moderationMutedUntil, now),
});

export function toConversationView(
  row: ConversationEntryRow,
  members: MemberRow[],
  lastMessage: MessageView | null,
  now = new Date(),
): ConversationView {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    status: row.status,
    role: row.role,
    muted: row.muted,
    moderationMute: moderationMuteOf(row.moderationMuted, row.moderationMutedUntil, now),
    slowModeSeconds: row.slowModeSeconds,
    frozen: row.frozen,
    memberCount: row.memberCount,
    members: members.map((member) => toMemberView(member, now)),
    lastSeq: row.lastSeq,
    lastReadSeq: Math.max(row.lastReadSeq, row.hiddenBeforeSeq),
    unreadCount: row.unreadCount,
    unreadMentionCount: row.unreadMentionCount,
    // A message the caller hid is not theirs to see, not even as a preview.
    lastMessage: lastMessage && lastMessage.seq > row.hiddenBeforeSeq ? lastMessage : null,
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
  };
}

/** The part of a view that is the same for every member (what events carry). */
export const toSummary = (view: ConversationView): ConversationSummary => ({
  id: view.id,
  type: view.type,
  title: view.title,
  slowModeSeconds: view.slowModeSeconds,
  frozen: view.frozen,
  memberCount: view.memberCount,
  createdAt: view.createdAt,
  lastActivityAt: view.lastActivityAt,
});

/** A member's read mark, as `POST /conversations/:id/read` and the `conversation.read` ack answer it. */
export interface ReadMarkView {
  conversationId: string;
  lastReadSeq: number;
  unreadCount: number;
  unreadMentionCount: number;
}

export interface UnreadView {
  total: number;
  items: UnreadCounts[];
}
