import type { PipeTransform } from '@nestjs/common';
import { invalidField } from '#src/common/errors/app-error.js';

/** An emoji, or a short reaction name: 1–32 characters, no whitespace or control characters. */
const REACTION = /^[^\s\p{Cc}]{1,32}$/u;

export class EmojiParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length > 32 || !REACTION.test(value)) {
      throw invalidField('emoji', 'emoji must be 1–32 characters without whitespace');
    }
    return value;
  }
}
