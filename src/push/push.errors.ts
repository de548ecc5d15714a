import { AppError } from '#src/common/errors/app-error.js';

export const PUSH_ERROR_CODES = ['DEVICE_NOT_FOUND'] as const;
export type PushErrorCode = (typeof PUSH_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    push: PushErrorCode;
  }
}

export const deviceNotFound = () => new AppError(404, 'DEVICE_NOT_FOUND', 'No device of yours with this id');
