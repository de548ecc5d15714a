import { ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';

/** ParseUUIDPipe, answering the id lower-cased (see `lowerCaseUuids` for why). */
class LowerCaseUuidPipe extends ParseUUIDPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<string | undefined | null> {
    const id = await super.transform(value, metadata);
    return id?.toLowerCase();
  }
}

/** A path parameter that must be a UUID, lower-cased; otherwise 400 `VALIDATION_FAILED` naming it. */
export const uuidParam = (name: string) =>
  new LowerCaseUuidPipe({
    exceptionFactory: () => invalidField(name, `${name} must be a UUID`),
  });
