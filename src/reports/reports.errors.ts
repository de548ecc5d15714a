import { AppError } from '#src/common/errors/app-error.js';

export const REPORT_ERROR_CODES = ['CANNOT_REPORT_SELF', 'REPORT_NOT_FOUND', 'REPORT_ALREADY_RESOLVED'] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    reports: ReportErrorCode;
  }
}

export const cannotReportSelf = (field: 'userId' | 'messageId') =>
  new AppError(400, 'CANNOT_REPORT_SELF', 'You cannot report yourself or your own messages', [
    { field, message: `${field} names you or your own message` },
  ]);

export const reportNotFound = () => new AppError(404, 'REPORT_NOT_FOUND', 'No report with this id');

export const reportAlreadyResolved = () =>
  new AppError(409, 'REPORT_ALREADY_RESOLVED', 'This report is already resolved');
