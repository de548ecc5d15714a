import { AppError, type ErrorDetail } from '#src/common/errors/app-error.js';

export const USER_ERROR_CODES = ['USER_NOT_FOUND', 'EMAIL_TAKEN', 'USERNAME_TAKEN', 'CANNOT_BLOCK_SELF'] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    users: UserErrorCode;
  }
}

export const userNotFound = (details?: ErrorDetail[]) =>
  new AppError(404, 'USER_NOT_FOUND', 'No user with this id', details);

export const emailTaken = () => new AppError(409, 'EMAIL_TAKEN', 'This email is already registered');

export const usernameTaken = () => new AppError(409, 'USERNAME_TAKEN', 'This username is taken');

export const cannotBlockSelf = () => new AppError(400, 'CANNOT_BLOCK_SELF', 'You cannot block yourself');
