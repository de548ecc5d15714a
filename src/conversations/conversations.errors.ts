import { AppError } from '#src/common/errors/app-error.js';

export const CONVERSATION_ERROR_CODES = [
  'CONVERSATION_NOT_FOUND',
  'MEMBER_NOT_FOUND',
  'REQUEST_PENDING',
  'REQUEST_DECLINED',
  'NOT_A_REQUEST',
  'NOT_A_GROUP',
  'NOT_GROUP_ADMIN',
  'NOT_GROUP_OWNER',
  'OWNER_ROLE_FIXED',
  'GROUP_FULL',
  'BLOCKED',
  'BANNED',
  'MEMBER_MUTED',
  'CONVERSATION_FROZEN',
  'SLOW_MODE',
] as const;
export type ConversationErrorCode = (typeof CONVERSATION_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    conversations: ConversationErrorCode;
  }
}

/** 404 whether the conversation does not exist or the caller is not in it: its existence is not revealed. */
export const conversationNotFound = () =>
  new AppError(404, 'CONVERSATION_NOT_FOUND', 'No conversation with this id among yours');

export const memberNotFound = () =>
  new AppError(404, 'MEMBER_NOT_FOUND', 'This user is not a member of the conversation');

export const requestPending = () =>
  new AppError(403, 'REQUEST_PENDING', 'Accept this message request before writing in it');

export const requestDeclined = (message: string) => new AppError(403, 'REQUEST_DECLINED', message);

export const notARequest = () =>
  new AppError(409, 'NOT_A_REQUEST', 'This conversation is not a message request waiting for you');

export const notAGroup = () => new AppError(400, 'NOT_A_GROUP', 'Only group conversations allow this');

export const notGroupAdmin = (message: string) => new AppError(403, 'NOT_GROUP_ADMIN', message);

export const notGroupOwner = () => new AppError(403, 'NOT_GROUP_OWNER', 'Only the group owner can change roles');

export const ownerRoleFixed = () => new AppError(409, 'OWNER_ROLE_FIXED', "The owner's role cannot be changed");

export const groupFull = (maxMembers: number) =>
  new AppError(409, 'GROUP_FULL', `A group holds at most ${maxMembers} members`, [
    { field: 'userIds', message: `the group would pass ${maxMembers} members` },
  ]);

export const blocked = () => new AppError(403, 'BLOCKED', 'A block between you and this user prevents it');

export const banned = (userIds: string[]) =>
  new AppError(
    403,
    'BANNED',
    'A user is banned from this group',
    userIds.slice(0, 5).map((userId) => ({ field: 'userIds', message: `${userId} is banned from this group` })),
  );

export const memberMuted = (until: string | null) =>
  new AppError(
    403,
    'MEMBER_MUTED',
    until === null
      ? 'An owner or admin muted you in this group: you can read but not write'
      : `An owner or admin muted you in this group until ${until}: you can read but not write`,
  );

export const conversationFrozen = () =>
  new AppError(403, 'CONVERSATION_FROZEN', 'This group is frozen: only its owner and admins can write');

/** 429 `SLOW_MODE`, with `Retry-After` (also `retryAfterSeconds` in the body, for socket acks). */
export const slowMode = (retryAfterSeconds: number) =>
  new AppError(429, 'SLOW_MODE', `Slow mode: your next message can be sent in ${retryAfterSeconds} s`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
