import type { PipeTransform } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';

/** One emoji as Unicode recommends it for general interchange (ZWJ sequences, skin tones, flags, keycaps…). */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
/**
 * A skin tone by itself. The RGI set lists the five modifiers as emoji of their own (they display
 * as colour swatches), but they exist to modify the emoji before them: alone, they are no reaction.
 */
const LONE_MODIFIER = /^\p{Emoji_Modifier}$/u;
/** A custom reaction by name, as clients write them: `:party_parrot:`. */
const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/;
/** Longer than any RGI emoji (10 code points at most) or shortcode: not worth matching. */
const MAX_UTF16_LENGTH = 40;

/** Whether a reaction is one RGI emoji (not a lone skin tone) or a shortcode. */
const isReaction = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length <= MAX_UTF16_LENGTH &&
  (SHORTCODE.test(value) || (RGI_EMOJI.test(value) && !LONE_MODIFIER.test(value)));

/** The reaction of a path (Fastify has decoded it): one RGI emoji or a shortcode, else 400. */
export class EmojiParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isReaction(value)) throw invalidField('emoji', 'emoji must be one emoji or a shortcode like :thumbs_up:');
    return value;
  }
}
