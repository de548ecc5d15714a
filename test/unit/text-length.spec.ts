import { validateSync } from 'class-validator';
import { isCursorId, isCursorTime } from '#src/common/pagination/pagination.js';
import { clipCodePoints, codePointLength, TextLength } from '#src/common/validation/text-length.js';

class Sample {
  @TextLength(1, 4)
  text!: unknown;
}
const errorsFor = (text: unknown) => {
  const sample = new Sample();
  sample.text = text;
  return validateSync(sample).length;
};

describe('TextLength', () => {
  it('counts code points, as PostgreSQL does: variation selectors and joiners count, a surrogate pair is one', () => {
    expect(codePointLength('\u2764\uFE0F')).toBe(2);
    expect(codePointLength('👨‍👩‍👧')).toBe(5);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('İ'.toLowerCase())).toBe(2);
  });

  it.each([
    ['four letters', 'abcd', 0],
    ['four astral characters', '😀😀😀😀', 0],
    ['two hearts with their selectors', '\u2764\uFE0F\u2764\uFE0F', 0],
    ['two hearts with their selectors and one more', '\u2764\uFE0F\u2764\uFE0Fx', 1],
    ['five letters', 'abcde', 1],
    ['empty', '', 1],
    ['a number', 4, 1],
    ['null', null, 1],
  ])('with 1–4: %s', (_, text, errors) => {
    expect(errorsFor(text)).toBe(errors);
  });

  it('clips to code points without splitting a surrogate pair', () => {
    expect(clipCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(clipCodePoints('abc', 5)).toBe('abc');
  });
});

describe('cursor values', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', true],
    ['0001-01-01T00:00:00.000Z', true],
    ['2026-02-31T00:00:00.000Z', false],
    ['2026-13-01T00:00:00.000Z', false],
    ['+275760-09-13T00:00:00.000Z', false],
    ['2026-01-01', false],
    ['2026-01-01T00:00:00Z', false],
    [1_700_000_000_000, false],
    [null, false],
  ])('time %p: %p', (value, valid) => {
    expect(isCursorTime(value)).toBe(valid);
  });

  it.each([
    ['0b3a1b9e-1c5d-4a43-9f6e-1f1c2e3d4a5b', true],
    ['-'.repeat(36), false],
    ['0b3a1b9e-1c5d-4a43-9f6e-1f1c2e3d4a5b\u0000', false],
    [42, false],
  ])('id %p: %p', (value, valid) => {
    expect(isCursorId(value)).toBe(valid);
  });
});
