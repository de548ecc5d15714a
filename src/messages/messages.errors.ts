import { AppError } from '#src/common/errors/app-error.js';

export const MESSAGE_ERROR_CODES = [
  'MESSAGE_NOT_FOUND',
  'MESSAGE_DELETED',
  'NOT_MESSAGE_AUTHOR',
  'REACTION_LIMIT',
  'PIN_LIMIT',
] as const;
export type MessageErrorCode = (typeof MESSAGE_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    messages: MessageErrorCode;
  }
}

export const messageNotFound = () =>
  new AppError(404, 'MESSAGE_NOT_FOUND', 'No message with this id in the conversation');

export const messageDeleted = () => new AppError(409, 'MESSAGE_DELETED', 'This message was deleted');

export const notMessageAuthor = (message: string) => new AppError(403, 'NOT_MESSAGE_AUTHOR', message);

export const reactionLimit = (maxDistinct: number) =>
  new AppError(
    409,
    'REACTION_LIMIT',
    `A message carries at most ${maxDistinct} different reactions; add one of those already there`,
  );

export const pinLimit = (maxPins: number) =>
  new AppError(409, 'PIN_LIMIT', `A conversation holds at most ${maxPins} pinned messages; unpin one first`);
