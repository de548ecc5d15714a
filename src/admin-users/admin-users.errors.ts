import { AppError } from '#src/common/errors/app-error.js';

export const ADMIN_USER_ERROR_CODES = ['CANNOT_SUSPEND_SELF', 'CANNOT_SUSPEND_ADMIN'] as const;
export type AdminUserErrorCode = (typeof ADMIN_USER_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    adminUsers: AdminUserErrorCode;
  }
}

export const cannotSuspendSelf = () => new AppError(400, 'CANNOT_SUSPEND_SELF', 'You cannot suspend yourself');

export const cannotSuspendAdmin = () =>
  new AppError(
    403,
    'CANNOT_SUSPEND_ADMIN',
    'System admins cannot be suspended: revoke the admin role first (npm run admin -- revoke, or ADMIN_EMAILS)',
  );
