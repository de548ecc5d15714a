import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type ErrorDetail } from '#src/common/errors/app-error.js';

/** One detail per failed constraint, with the field's dotted path (`device.name`, `attachments.0.url`). */
function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: ErrorDetail[] = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

/**
 * The global pipe: DTOs are transformed, unknown fields are refused rather than silently dropped,
 * and every failure is a 400 `VALIDATION_FAILED` whose `details` list each bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError(400, 'VALIDATION_FAILED', 'Validation failed', flatten(errors)),
  });
}
