import { AppError } from '#src/common/errors/app-error.js';

export const WEBHOOK_ERROR_CODES = ['WEBHOOK_NOT_FOUND', 'WEBHOOK_LIMIT'] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

declare module '#src/common/errors/app-error.js' {
  interface ErrorCodes {
    webhooks: WebhookErrorCode;
  }
}

export const webhookNotFound = () => new AppError(404, 'WEBHOOK_NOT_FOUND', 'No webhook with this id');

export const webhookLimit = (max: number) =>
  new AppError(409, 'WEBHOOK_LIMIT', `There are ${max} webhooks already; delete one first`);
