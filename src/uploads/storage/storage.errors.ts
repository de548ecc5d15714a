import { AppError } from '#src/common/errors/app-error.js';

export const STORAGE_ERROR_CODES = ['LINK_INVALID'] as const;
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    storage: StorageErrorCode;
  }
}

/** A storage link that is tampered with, expired, used for the other operation or with another content type. */
export const linkInvalid = (reason: string) =>
  new AppError(403, 'LINK_INVALID', `The storage link is not valid: ${reason}`);

/** More bytes than the link was signed for, or than UPLOAD_MAX_BYTES. */
export const uploadTooLarge = (limit: number) =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', `The upload is larger than the ${limit} bytes it may have`);

/** The client went away (or its connection broke) before the body was complete: nothing is kept. */
export const uploadInterrupted = () =>
  new AppError(400, 'BAD_REQUEST', 'The upload ended before its body was complete');

/** An upload link used again once its object is stored: what completion checks is never replaced. */
export const objectAlreadyStored = () =>
  new AppError(
    409,
    'CONFLICT',
    'Something is already stored through this link; declare a new upload to send other bytes',
  );

export const storedObjectNotFound = () => new AppError(404, 'NOT_FOUND', 'Nothing is stored here');

/** A key the service built that breaks the key rules: a bug, never a client's input. */
export class InvalidStorageKeyError extends Error {
  override readonly name = 'InvalidStorageKeyError';
}
