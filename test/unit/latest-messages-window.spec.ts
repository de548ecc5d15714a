import type { JsonText } from '#src/common/pagination/json-text.js';
import { loadedPage, windowPage } from '#src/messages/latest-messages.cache.js';
import { aMessage } from '../support/unit/records.js';

/**
 * A window read from Redis (newest first, as [member, seq, …]) of timeline messages given as
 * [seq, timeline position]; position 0 at seq 0 is the marker of the conversation's start.
 */
const reply = (...entries: [number, number][]) =>
  entries.flatMap(([seq, position]) => [seq === 0 ? '0|0|start' : `${seq}|${position}|{"seq":${seq}}`, String(seq)]);
/** Entries with no thread replies between them: the seq is the position. */
const run = (...seqs: number[]) => reply(...seqs.map((seq): [number, number] => [seq, seq]));
const read = (page: JsonText | null) => {
  if (!page) return null;
  const { items, hasMore } = JSON.parse(page.text) as { items: { seq: number }[]; hasMore: boolean };
  return { seqs: items.map((item) => item.seq), hasMore };
};

describe('serving the latest page from the Redis window', () => {
  it('serves a full page of consecutive messages, oldest first, with older ones left', () => {
    expect(read(windowPage(run(9, 8, 7, 6), 0, 3))).toEqual({ seqs: [7, 8, 9], hasMore: true });
  });

  it('serves a page whose seqs skip the thread replies between timeline messages', () => {
    // Seqs 8, 6 and 5 are replies: positions 4, 3, 2, 1 are still consecutive.
    expect(read(windowPage(reply([9, 4], [7, 3], [4, 2], [3, 1]), 0, 3))).toEqual({ seqs: [4, 7, 9], hasMore: true });
    expect(read(windowPage(reply([9, 3], [7, 2], [4, 1], [0, 0]), 0, 3))).toEqual({
      seqs: [4, 7, 9],
      hasMore: false,
    });
  });

  it('serves a short run that reaches down to the hide point or the start, with nothing older', () => {
    expect(read(windowPage(run(9, 8, 7, 6), 6, 50))).toEqual({ seqs: [7, 8, 9], hasMore: false });
    expect(read(windowPage(reply([3, 3], [2, 2], [1, 1], [0, 0]), 0, 50))).toEqual({
      seqs: [1, 2, 3],
      hasMore: false,
    });
  });

  it('serves a full page that ends right above the hide point, with nothing older', () => {
    expect(read(windowPage(run(9, 8, 7, 6), 6, 3))).toEqual({ seqs: [7, 8, 9], hasMore: false });
  });

  it('serves an empty page when nothing is above the hide point, or the conversation is empty', () => {
    expect(read(windowPage(run(9, 8), 9, 50))).toEqual({ seqs: [], hasMore: false });
    expect(read(windowPage(reply([0, 0]), 0, 50))).toEqual({ seqs: [], hasMore: false });
  });

  it('does not serve a run with a gap in positions: a change between them may still be on its way', () => {
    expect(windowPage(reply([9, 5], [7, 3], [6, 2], [5, 1]), 0, 3)).toBeNull();
    expect(windowPage(reply([9, 9], [8, 8], [6, 6], [5, 5]), 5, 50)).toBeNull();
  });

  it('does not serve a run that ends above the hide point without reaching the start (trimmed, or partly filled)', () => {
    expect(windowPage(run(9, 8, 7), 0, 50)).toBeNull();
    expect(windowPage(run(9, 8, 7), 5, 4)).toBeNull();
    // A full page, but whether an older message is visible is not known.
    expect(windowPage(run(9, 8, 7), 0, 3)).toBeNull();
  });

  it('does not serve entries written before positions were kept', () => {
    expect(windowPage([`9|{"seq":9}`, '9', `8|{"seq":8}`, '8'], 0, 1)).toBeNull();
  });

  it('hands on the JSON as stored, without the version and position in front of it', () => {
    const page = windowPage([`42|7|{"seq":3,"body":"hi"}`, '3', `40|6|{"seq":2}`, '2'], 2, 1);
    expect(page?.text).toBe('{"items":[{"seq":3,"body":"hi"}],"hasMore":false}');
  });
});

describe('the latest page from the window loaded from Postgres', () => {
  const window = [5, 4, 3, 2, 1].map((seq) => aMessage({ seq }));

  it('is the newest `limit` above the hide point, oldest first', () => {
    expect(read(loadedPage(window, 0, 3))).toEqual({ seqs: [3, 4, 5], hasMore: true });
    expect(read(loadedPage(window, 1, 3))).toEqual({ seqs: [3, 4, 5], hasMore: true });
  });

  it('tells no more when the page reaches down to the hide point', () => {
    expect(read(loadedPage(window, 2, 3))).toEqual({ seqs: [3, 4, 5], hasMore: false });
    expect(read(loadedPage(window, 3, 50))).toEqual({ seqs: [4, 5], hasMore: false });
    expect(read(loadedPage(window, 5, 50))).toEqual({ seqs: [], hasMore: false });
  });
});
