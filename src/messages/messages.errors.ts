import { AppError } from '#src/common/errors/app-error.js';

export const messageNotFound = () =>
  new AppError(404, 'MESSAGE_NOT_FOUND', 'No message with this id in the conversation');
