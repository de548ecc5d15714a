import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';

/**
 * Characters as PostgreSQL counts them in `VARCHAR(n)`: Unicode code points. (validator.js's
 * `Length` does not count variation selectors and `String.length` counts UTF-16 units, so
 * either would accept text the column then refuses.)
 */
export const codePointLength = (text: string): number => {
  // UTF-16 units, less one for each surrogate pair: no array of characters is built.
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
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
