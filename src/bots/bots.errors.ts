import { AppError } from '#src/common/errors/app-error.js';

export const BOT_ERROR_CODES = ['BOT_NOT_FOUND'] as const;
export type BotErrorCode = (typeof BOT_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    bots: BotErrorCode;
  }
}

export const botNotFound = () => new AppError(404, 'BOT_NOT_FOUND', 'No bot with this id');
