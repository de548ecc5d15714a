import { pack } from 'msgpackr';
import { PackedList, pageOf, pageOfHead, type RenderedList } from '#src/conversations/packed-list.js';

/** A list of `count` conversations as JSON, of about `size` characters each, accented and CJK text among them. */
function list(count: number, size = 40): RenderedList {
  const items = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `c${i}`, title: `café 東京 "${i}" \\ ${'x'.repeat(size)}`, emoji: '🎉' }),
  );
  const cursors = items.map((_, i) => Buffer.from(JSON.stringify({ i })).toString('base64url'));
  return { items, cursors };
}

describe('a cached conversation list read from its msgpack bytes', () => {
  it.each([
    ['empty', 0, 10],
    ['short strings', 5, 10],
    ['a full head', 101, 40],
    ['strings past 255 bytes', 30, 400],
    ['strings past 65,535 bytes', 3, 70_000],
  ])('gives the same page as the unpacked head (%s)', (_name, count, size) => {
    const head = list(count, size);
    const packed = PackedList.read(pack(head))!;
    expect(packed).toBeInstanceOf(PackedList);
    for (const limit of [1, 2, 3, 20, 100, 101]) {
      expect(packed.page(limit).text).toBe(pageOf(head, limit).text);
    }
  });

  it('is unpacked as before when the bytes have another shape', () => {
    const head = list(3);
    for (const other of [{ ...head, extra: 1 }, { items: head.items }, { items: [1, 2], cursors: ['a', 'b'] }]) {
      const bytes = pack(other);
      expect(PackedList.read(bytes)).toBeUndefined();
      expect(PackedList.decode(bytes)).toEqual(other);
    }
    expect(PackedList.read(pack(head).subarray(0, 20))).toBeUndefined();
    const decoded = PackedList.decode(pack({ cursors: head.cursors, items: head.items }));
    expect(pageOfHead(decoded, 2).text).toBe(pageOf(head, 2).text);
  });
});
