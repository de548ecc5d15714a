import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * UUIDs as the service spells them: lower case, as PostgreSQL prints them. PostgreSQL compares
 * uuids in any case, but Redis keys, Socket.IO rooms and ids compared as text do not: an id in
 * upper case would read a cache entry nothing ever clears, or publish to a room nobody is in.
 * Every UUID a client sends is lower-cased where it enters.
 */
export const lowerCaseUuids = (value: unknown): unknown =>
  typeof value === 'string'
    ? value.toLowerCase()
    : Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item))
      : value;

/** A UUID field of a DTO (or each of an array's, with `each`), lower-cased; `message` when it is not one. */
export function IsUuid(message: string, options: { each?: boolean } = {}): PropertyDecorator {
  const transform = Transform(({ value }) => lowerCaseUuids(value));
  const validate = IsUUID('all', { message, each: options.each });
  return (target, property) => {
    transform(target, property);
    validate(target, property);
  };
}
