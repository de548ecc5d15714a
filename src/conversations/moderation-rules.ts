import type { AppError } from '#src/common/errors/app-error.js';
import { invalidField } from '#src/common/errors/common.errors.js';
import { isManager, type ConversationMeta, type MemberMeta, type ModerationMute } from './conversation-meta.js';
import { conversationFrozen, memberMuted } from './conversations.errors.js';

/** Whether a moderation mute holds at `now`: for ever without `until`, else until that moment. */
export const muteHolds = (mute: ModerationMute | null | undefined, now: Date): mute is ModerationMute =>
  !!mute && (mute.until === null || Date.parse(mute.until) > now.getTime());

/** A stored mute as members are shown it: null when there is none or its `until` has passed. */
export function moderationMuteOf(muted: boolean, until: Date | null, now: Date): ModerationMute | null {
  const mute = muted ? { until: until?.toISOString() ?? null } : null;
  return muteHolds(mute, now) ? mute : null;
}

/**
 * Why `member` may not write in the group at `now` (send, edit, react, pin, type), or null. A mute
 * binds admins too (only the owner mutes an admin); a freeze binds everyone but the owner and
 * admins. The mute is named first: it is the member's own state, and it outlasts a freeze.
 */
export function writeRefusal(conversation: ConversationMeta, member: MemberMeta, now: Date): AppError | null {
  if (conversation.type !== 'group') return null;
  if (muteHolds(member.moderationMute, now)) return memberMuted(member.moderationMute.until);
  if (conversation.frozen && !isManager(member)) return conversationFrozen();
  return null;
}

/** The slow-mode interval `member` is held to in ms: 0 when it is off, outside groups, and for the owner and admins. */
export const slowModeIntervalMs = (conversation: ConversationMeta, member: MemberMeta): number =>
  conversation.type === 'group' && conversation.slowModeSeconds > 0 && !isManager(member)
    ? conversation.slowModeSeconds * 1000
    : 0;

/**
 * Whether `caller` may remove, ban or mute `target`, one rule for all three: the owner acts on
 * anyone but themself, an admin on plain members only, nobody on the owner. Someone who is not a
 * member (a ban made ahead) has no role to protect them.
 */
export const outranks = (caller: MemberMeta, target: MemberMeta | undefined): boolean =>
  isManager(caller) && (!target || target.role === 'member' || (target.role === 'admin' && caller.role === 'owner'));

/** The `until` of a ban or a mute: null (absent) is for ever; a time must be after `now` (400 otherwise). */
export function untilOf(value: string | null | undefined, now: Date): Date | null {
  if (value === undefined || value === null) return null;
  const at = Date.parse(value);
  if (!Number.isFinite(at)) throw invalidField('until', 'until must be an ISO-8601 date-time');
  if (at <= now.getTime()) throw invalidField('until', 'until must be in the future');
  return new Date(at);
}
