import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';

/**
 * Characters as PostgreSQL counts them in `VARCHAR(n)`: Unicode code points. (validator.js's
 * `Length` does not count variation selectors and `String.length` counts UTF-16 units, so
 * either would accept text the column then refuses.)
 */
export const codePointLength = (text: string): number => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

/** At most `max` code points of `text` (never splits a surrogate pair). */
export const clipCodePoints = (text: string, max: number): string =>
  codePointLength(text) <= max ? text : Array.from(text).slice(0, max).join('');

/**
 * A string of `min`–`max` characters counted as PostgreSQL stores them. Every string field with
 * a length limit uses this, so what a DTO accepts fits its column.
 */
export function TextLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'textLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = codePointLength(value);
          return length >= min && length <= max;
        },
        defaultMessage: buildMessage(
          (each) =>
            min > 0
              ? `${each}$property must be ${min}–${max} characters`
              : `${each}$property must be at most ${max} characters`,
          options,
        ),
      },
    },
    options,
  );
}
