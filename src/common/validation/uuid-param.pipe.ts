import { ParseUUIDPipe } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';

/** A path parameter that must be a UUID; otherwise 400 `VALIDATION_FAILED` naming it. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () => invalidField(name, `${name} must be a UUID`),
  });
