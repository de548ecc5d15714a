import { unpack } from 'msgpackr';
import { JsonText } from '#src/common/pagination/json-text.js';

/** Conversations as JSON, each with the cursor of the page that would follow it: what the list cache holds. */
export interface RenderedList {
  items: string[];
  cursors: string[];
}

/** `{ items, nextCursor }` from the first `limit + 1` (or more) conversations. */
export const pageOf = (list: RenderedList, limit: number): JsonText =>
  JsonText.page(list.items.slice(0, limit), 'nextCursor', list.items.length > limit ? list.cursors[limit - 1] : null);

/** Where each string of an array starts and ends in the bytes: `[start0, end0, start1, end1, …]`. */
type Spans = number[];

type Kind = 'map' | 'array' | 'str';
/** msgpack's headers of each kind: one byte `first | length` for lengths up to `mask`, or a byte followed by a 1-, 2- or 4-byte length (-1: none). */
const HEADERS: Record<Kind, { first: number; mask: number; sized: [number, number, number] }> = {
  map: { first: 0x80, mask: 0x0f, sized: [-1, 0xde, 0xdf] },
  array: { first: 0x90, mask: 0x0f, sized: [-1, 0xdc, 0xdd] },
  str: { first: 0xa0, mask: 0x1f, sized: [0xd9, 0xda, 0xdb] },
};

/** The length of a msgpack map, array or string whose header starts at `at`, and where its content starts. */
function header(bytes: Buffer, at: number, kind: Kind): [number, number] | undefined {
  if (at >= bytes.length) return undefined;
  const byte = bytes[at];
  const { first, mask, sized } = HEADERS[kind];
  if (byte >= first && byte <= first + mask) return [byte - first, at + 1];
  const width = byte === sized[0] ? 1 : byte === sized[1] ? 2 : byte === sized[2] ? 4 : 0;
  if (width === 0 || at + 1 + width > bytes.length) return undefined;
  return [bytes.readUIntBE(at + 1, width), at + 1 + width];
}

/** The spans of an array of strings starting at `at`, and where it ends. */
function strings(bytes: Buffer, at: number): [Spans, number] | undefined {
  const array = header(bytes, at, 'array');
  if (!array) return undefined;
  let [count, next] = array;
  const spans: Spans = [];
  while (count-- > 0) {
    const str = header(bytes, next, 'str');
    if (!str || str[1] + str[0] > bytes.length) return undefined;
    spans.push(str[1], str[1] + str[0]);
    next = str[1] + str[0];
  }
  return [spans, next];
}

/**
 * A cached list head as Redis gave it, in msgpack: `{ items, cursors }`, arrays of UTF-8 strings.
 * Only the page asked for is decoded: the conversations it shows and the one cursor it needs
 * (decoding the whole head, 101 conversations and their cursors, for a page of 20 took most of
 * the CPU of a cached read).
 */
export class PackedList {
  private constructor(
    private readonly bytes: Buffer,
    private readonly items: Spans,
    private readonly cursors: Spans,
  ) {}

  /** The head from its bytes: read in place when they have the shape `pack` gives it, else unpacked. */
  static decode(bytes: Buffer): PackedList | RenderedList {
    return PackedList.read(bytes) ?? (unpack(bytes) as RenderedList);
  }

  /** The head read in place; undefined when the bytes are not a map of exactly `items` and `cursors`. */
  static read(bytes: Buffer): PackedList | undefined {
    const map = header(bytes, 0, 'map');
    if (!map || map[0] !== 2) return undefined;
    let next = map[1];
    const arrays: Record<string, Spans> = {};
    for (let entry = 0; entry < 2; entry++) {
      const key = header(bytes, next, 'str');
      if (!key) return undefined;
      const name = bytes.toString('utf8', key[1], key[1] + key[0]);
      const array = strings(bytes, key[1] + key[0]);
      if (!array || (name !== 'items' && name !== 'cursors')) return undefined;
      arrays[name] = array[0];
      next = array[1];
    }
    const { items, cursors } = arrays;
    if (!items || !cursors || items.length !== cursors.length || next !== bytes.length) return undefined;
    return new PackedList(bytes, items, cursors);
  }

  /** The same page as `pageOf` gives from the unpacked head. */
  page(limit: number): JsonText {
    const total = this.items.length / 2;
    const shown = Math.min(limit, total);
    const items: string[] = [];
    for (let i = 0; i < shown; i++) items.push(this.text(this.items, i));
    return JsonText.page(items, 'nextCursor', total > limit ? this.text(this.cursors, limit - 1) : null);
  }

  private text(spans: Spans, index: number): string {
    return this.bytes.toString('utf8', spans[2 * index], spans[2 * index + 1]);
  }
}

/** A page of the head, whichever way it was read. */
export const pageOfHead = (head: PackedList | RenderedList, limit: number): JsonText =>
  head instanceof PackedList ? head.page(limit) : pageOf(head, limit);
