import { AppError } from '#src/common/errors/app-error.js';

export const AUTH_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'ACCOUNT_SUSPENDED',
  'REFRESH_TOKEN_ALREADY_USED',
  'REFRESH_TOKEN_REUSED',
  'SESSION_NOT_FOUND',
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    auth: AuthErrorCode;
  }
}

export const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', 'Wrong login or password');

/** The reason stays with the admins; the user learns only until when. */
export const accountSuspended = (until: Date | null) =>
  new AppError(
    403,
    'ACCOUNT_SUSPENDED',
    until ? `This account is suspended until ${until.toISOString()}` : 'This account is suspended',
  );
/** The password an action asks for again (deleting the account) is missing or wrong. */
export const wrongPassword = () => new AppError(401, 'INVALID_CREDENTIALS', 'The password is missing or wrong');

export const refreshTokenAlreadyUsed = () =>
  new AppError(
    401,
    'REFRESH_TOKEN_ALREADY_USED',
    'This refresh token was just used by another request, which received the new pair; use that pair',
  );

export const refreshTokenReused = () =>
  new AppError(401, 'REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session is revoked');

export const sessionNotFound = () => new AppError(404, 'SESSION_NOT_FOUND', 'No active session with this id');
