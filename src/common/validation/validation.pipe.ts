import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { ErrorDetail } from '#src/common/errors/app-error.js';
import { invalidField, validationFailed } from '#src/common/errors/common.errors.js';

/** One detail per failed constraint, with the field's dotted path (`device.name`, `attachments.0.url`). */
function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: ErrorDetail[] = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

const hasNul = (text: unknown) => typeof text === 'string' && text.includes('\u0000');

/** The query field or path parameter carrying a NUL character, if any (PostgreSQL text cannot hold one). */
function fieldWithNul(value: unknown, metadata: ArgumentMetadata): string | undefined {
  if (metadata.type === 'param') return hasNul(value) ? metadata.data : undefined;
  if (metadata.type !== 'query' || typeof value !== 'object' || value === null) return undefined;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const values: unknown[] = Array.isArray(field) ? field : [field];
    if (hasNul(key) || values.some(hasNul)) return key;
  }
  return undefined;
}

const isEmptyQuery = (value: unknown, metadata: ArgumentMetadata) =>
  metadata.type === 'query' && typeof value === 'object' && value !== null && Object.keys(value).length === 0;

/** Refuses NUL characters in query strings and path parameters, naming the field, before validating. */
class ApiValidationPipe extends ValidationPipe {
  /**
   * Query DTOs that an empty query string was found valid for. Their rules are pure functions of
   * the values, so an empty query stays valid: later ones get the DTO's defaults without running
   * the validators again (most list reads come without a query string).
   */
  private readonly validWhenEmpty = new WeakSet<Type>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const field = fieldWithNul(value, metadata);
    if (field !== undefined) throw invalidField(field, `${field} must not contain a NUL (U+0000) character`);
    const metatype = metadata.metatype;
    const empty = metatype !== undefined && isEmptyQuery(value, metadata);
    if (empty && this.validWhenEmpty.has(metatype)) return plainToInstance(metatype as Type<object>, {});
    const result: unknown = await super.transform(value, metadata);
    // A new instance: the DTO was built and validated (types that are not validated come back as they are).
    if (empty && result !== value && result instanceof metatype) this.validWhenEmpty.add(metatype);
    return result;
  }
}

/**
 * The global pipe: DTOs are transformed, unknown fields are refused rather than silently dropped,
 * and every failure is a 400 `VALIDATION_FAILED` whose `details` list each bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
