// The values the CHECK constraints of these text columns allow (the schema has no enums: see schema.prisma).
export type ConversationType = 'direct' | 'group';
export type MemberRole = 'owner' | 'admin' | 'member';
/** A member's answer to a message request; everyone else is `accepted` from the start. */
export type MemberStatus = 'pending' | 'accepted' | 'declined';

/** What every conversation route checks first: who is a member, with which role and status. Cached. */
export interface ConversationMeta {
  id: string;
  type: ConversationType;
  title: string | null;
  createdAt: string;
  /** Groups: one message per this many seconds for members other than the owner and admins; 0 is off. */
  slowModeSeconds: number;
  /** Groups: only the owner and admins write. */
  frozen: boolean;
  members: MemberMeta[];
}

/** A moderation mute (not the member's own notification setting `muted`): `until` null lasts until lifted. */
export interface ModerationMute {
  until: string | null;
}

export interface MemberMeta {
  userId: string;
  role: MemberRole;
  status: MemberStatus;
  /** The member's own notification setting. */
  muted: boolean;
  hiddenBeforeSeq: number;
  /** Present while the group's owner or an admin has muted the member (it may have expired since). */
  moderationMute?: ModerationMute;
}

export const memberOf = (conversation: ConversationMeta, userId: string): MemberMeta | undefined =>
  conversation.members.find((member) => member.userId === userId);

/** Owners and admins manage a group: title, members, and other members' messages. */
export const isManager = (member: MemberMeta): boolean => member.role === 'owner' || member.role === 'admin';

/** The `<smaller id>:<larger id>` key that makes a direct conversation one per pair. */
export const directKeyOf = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
