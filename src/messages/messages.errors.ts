import { AppError } from '#src/common/errors/app-error.js';

export const messageNotFound = () =>
  new AppError(404, 'MESSAGE_NOT_FOUND', 'No message with this id in the conversation');

export const invalidField = (field: string, message: string) =>
  new AppError(400, 'VALIDATION_FAILED', 'Validation failed', [{ field, message }]);
