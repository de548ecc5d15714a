import type { PipeTransform } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';

/** One emoji as Unicode recommends it for general interchange (ZWJ sequences, skin tones, flags, keycaps…). */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
/** A custom reaction by name, as clients write them: `:party_parrot:`. */
const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/;
/** Longer than any RGI emoji (10 code points at most) or shortcode: not worth matching. */
const MAX_UTF16_LENGTH = 40;

/** The reaction of a path (Fastify has decoded it): one RGI emoji or a shortcode, else 400. */
export class EmojiParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const valid =
      typeof value === 'string' && value.length <= MAX_UTF16_LENGTH && (SHORTCODE.test(value) || RGI_EMOJI.test(value));
    if (!valid) throw invalidField('emoji', 'emoji must be one emoji or a shortcode like :thumbs_up:');
    return value;
  }
}
