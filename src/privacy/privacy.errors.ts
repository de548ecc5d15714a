import { AppError } from '#src/common/errors/app-error.js';

export const PRIVACY_ERROR_CODES = ['EXPORT_NOT_FOUND'] as const;
export type PrivacyErrorCode = (typeof PRIVACY_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    privacy: PrivacyErrorCode;
  }
}

/** The same answer for an export that does not exist and for another user's. */
export const exportNotFound = () => new AppError(404, 'EXPORT_NOT_FOUND', 'No export of yours with this id');
