import { EmojiParamPipe } from '#src/messages/emoji-param.pipe.js';

const pipe = new EmojiParamPipe();
const accepts = (value: string) => {
  try {
    return pipe.transform(value) === value;
  } catch {
    return false;
  }
};

describe('EmojiParamPipe', () => {
  it.each([
    ['a plain emoji', '👍'],
    ['a skin tone on a hand', '👍🏿'],
    ['a ZWJ family', '👨‍👩‍👧‍👦'],
    ['a ZWJ profession with a skin tone', '🧑🏽‍🚀'],
    ['a ZWJ couple with two skin tones', '👩🏻‍❤️‍💋‍👨🏼'],
    ['a country flag', '🇯🇵'],
    ['a subdivision flag (tag sequence)', '🏴󠁧󠁢󠁥󠁮󠁧󠁿'],
    ['a rainbow flag', '🏳️‍🌈'],
    ['a transgender flag', '🏳️‍⚧️'],
    ['an asterisk keycap', '*️⃣'],
    ['a digit keycap', '1️⃣'],
    ['a hash keycap', '#️⃣'],
    ['a heart with its emoji variation selector', '❤️'],
    ['a copyright sign with its emoji variation selector', '©️'],
    ['a shortcode', ':ok:'],
    ['a shortcode with +', ':+1:'],
    ['a shortcode with - and _', ':a-b_c:'],
    ['a shortcode of 32 characters', `:${'a'.repeat(32)}:`],
  ])('accepts %s', (_, value) => expect(accepts(value)).toBe(true));

  it.each([
    ['a word', 'ok'],
    ['two emoji', '👍👍'],
    ['two flags', '🇯🇵🇫🇷'],
    ['an emoji and a space', '👍 '],
    ['a space and an emoji', ' 👍'],
    ['an emoji and text', '👍ok'],
    ['text and an emoji', 'ok👍'],
    ['a lone skin tone', '🏽'],
    ['two skin tones', '🏻🏿'],
    ['a lone emoji variation selector', '\ufe0f'],
    ['a lone text variation selector', '\ufe0e'],
    ['an emoji with the text variation selector', '👍\ufe0e'],
    ['a letter with the emoji variation selector', 'a\ufe0f'],
    ['a lone combining keycap', '\u20e3'],
    ['a keycap without its variation selector', '1\u20e3'],
    ['a lone tag character', '\u{e0067}'],
    ['a text-style heart', '\u2764'],
    ['a copyright sign without a variation selector', '©'],
    ['a lone regional indicator', '🇯'],
    ['two regional indicators that name no country', '🇦🇦'],
    ['a lone zero-width joiner', '\u200d'],
    ['an emoji ending in a zero-width joiner', '👍\u200d'],
    ['a NUL', '\u0000'],
    ['a bell', '\u0007'],
    ['a digit', '9'],
    ['an empty shortcode', '::'],
    ['an upper-case shortcode', ':OK:'],
    ['a shortcode of 33 characters', `:${'a'.repeat(33)}:`],
    ['two shortcodes run together', ':a:b:'],
    ['a shortcode holding an emoji', ':👍:'],
    ['an empty string', ''],
    ['a very long string', '👍'.repeat(1000)],
  ])('refuses %s', (_, value) => expect(accepts(value)).toBe(false));

  it('refuses with 400 VALIDATION_FAILED naming the emoji field', () => {
    expect(() => pipe.transform('🏽')).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'emoji' })],
      }),
    );
  });
});
