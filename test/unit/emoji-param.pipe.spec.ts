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
  it.each(['👍', '👍🏿', '👨‍👩‍👧‍👦', '🧑🏽‍🚀', '🇯🇵', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '*️⃣', '❤️', '🏳️‍⚧️', ':ok:', ':+1:', `:${'a'.repeat(32)}:`])(
    'accepts %s',
    (value) => expect(accepts(value)).toBe(true),
  );

  it.each([
    'ok',
    '👍👍',
    '👍 ',
    ' 👍',
    '\u2764',
    '🇯',
    '\u200d',
    '\u0000',
    '\u0007',
    '9',
    '::',
    ':OK:',
    `:${'a'.repeat(33)}:`,
    ':a:b:',
    '',
  ])('refuses %p', (value) => expect(accepts(value)).toBe(false));
});
