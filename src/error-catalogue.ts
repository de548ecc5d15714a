import { ADMIN_USER_ERROR_CODES } from '#src/admin-users/admin-users.errors.js';
import { AUTH_ERROR_CODES } from '#src/auth/auth.errors.js';
import { BOT_ERROR_CODES } from '#src/bots/bots.errors.js';
import { COMMON_ERROR_CODES } from '#src/common/errors/common.errors.js';
import { CONVERSATION_ERROR_CODES } from '#src/conversations/conversations.errors.js';
import { MESSAGE_ERROR_CODES } from '#src/messages/messages.errors.js';
import { PRIVACY_ERROR_CODES } from '#src/privacy/privacy.errors.js';
import { PUSH_ERROR_CODES } from '#src/push/push.errors.js';
import { REPORT_ERROR_CODES } from '#src/reports/reports.errors.js';
import { UPLOAD_ERROR_CODES } from '#src/uploads/uploads.errors.js';
import { STORAGE_ERROR_CODES } from '#src/uploads/storage/storage.errors.js';
import { USER_ERROR_CODES } from '#src/users/users.errors.js';
import { WEBHOOK_ERROR_CODES } from '#src/webhooks/webhooks.errors.js';

/**
 * Every error code of the API: the generic list and each feature's, joined. Only the OpenAPI
 * document and the tests need them all; `ErrorCode` itself is formed in common/errors/app-error.ts.
 */
export const ERROR_CODES = [
  ...COMMON_ERROR_CODES,
  ...AUTH_ERROR_CODES,
  ...USER_ERROR_CODES,
  ...CONVERSATION_ERROR_CODES,
  ...MESSAGE_ERROR_CODES,
  ...PUSH_ERROR_CODES,
  ...UPLOAD_ERROR_CODES,
  ...STORAGE_ERROR_CODES,
  ...WEBHOOK_ERROR_CODES,
  ...ADMIN_USER_ERROR_CODES,
  ...REPORT_ERROR_CODES,
  ...BOT_ERROR_CODES,
  ...PRIVACY_ERROR_CODES,
] as const;
