import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';

/** A path parameter that must be a UUID; otherwise 400 `VALIDATION_FAILED` naming it. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new AppError(400, 'VALIDATION_FAILED', 'Validation failed', [{ field: name, message: `${name} must be a UUID` }]),
  });
