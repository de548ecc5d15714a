import { AppError } from '#src/common/errors/app-error.js';

export const UPLOAD_ERROR_CODES = ['UPLOAD_NOT_FOUND', 'UPLOAD_REJECTED'] as const;
export type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    uploads: UploadErrorCode;
  }
}

/** The same answer whether the upload does not exist or is not the caller's to see. */
export const uploadNotFound = () => new AppError(404, 'UPLOAD_NOT_FOUND', 'No upload with this id that you can see');

export const uploadRejected = (reason: string) => new AppError(422, 'UPLOAD_REJECTED', `Upload rejected: ${reason}`);
