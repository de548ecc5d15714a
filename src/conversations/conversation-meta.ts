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
  members: MemberMeta[];
}

export interface MemberMeta {
  userId: string;
  role: MemberRole;
  status: MemberStatus;
  muted: boolean;
  hiddenBeforeSeq: number;
}

export const memberOf = (conversation: ConversationMeta, userId: string): MemberMeta | undefined =>
  conversation.members.find((member) => member.userId === userId);

/** Owners and admins manage a group: title, members, and other members' messages. */
export const isManager = (member: MemberMeta): boolean => member.role === 'owner' || member.role === 'admin';

/** The `<smaller id>:<larger id>` key that makes a direct conversation one per pair. */
export const directKeyOf = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
