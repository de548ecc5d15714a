import type { JsonText } from '#src/common/pagination/json-text.js';
import { loadedPage, windowPage } from '#src/messages/latest-messages.cache.js';
import { aMessage } from '../support/unit/records.js';

/** A window read from Redis holding `seqs` (newest first), as [member, seq, …]. */
const reply = (...seqs: number[]) => seqs.flatMap((seq) => [`${seq}|{"seq":${seq}}`, String(seq)]);
const read = (page: JsonText | null) => {
  if (!page) return null;
  const { items, hasMore } = JSON.parse(page.text) as { items: { seq: number }[]; hasMore: boolean };
  return { seqs: items.map((item) => item.seq), hasMore };
};

describe('serving the latest page from the Redis window', () => {
  it('serves a full page of consecutive seqs, oldest first, with older ones left', () => {
    expect(read(windowPage(reply(9, 8, 7), 0, 3))).toEqual({ seqs: [7, 8, 9], hasMore: true });
  });

  it('serves a short run that reaches down to the hide point, with nothing older', () => {
    expect(read(windowPage(reply(9, 8, 7), 6, 50))).toEqual({ seqs: [7, 8, 9], hasMore: false });
    expect(read(windowPage(reply(3, 2, 1), 0, 50))).toEqual({ seqs: [1, 2, 3], hasMore: false });
  });

  it('serves an empty page when nothing is above the hide point', () => {
    expect(read(windowPage([], 9, 50))).toEqual({ seqs: [], hasMore: false });
  });

  it('does not serve a run with a gap: a change between them may still be on its way', () => {
    expect(windowPage(reply(9, 7, 6), 0, 3)).toBeNull();
    expect(windowPage(reply(9, 8, 6), 5, 50)).toBeNull();
  });

  it('does not serve a run too short for the page that stops above the hide point (trimmed, or partly filled)', () => {
    expect(windowPage(reply(9, 8, 7), 0, 50)).toBeNull();
    expect(windowPage(reply(9, 8, 7), 5, 4)).toBeNull();
  });

  it('hands on the JSON as stored, without the version in front of it', () => {
    const page = windowPage([`42|{"seq":3,"body":"hi"}`, '3'], 2, 1);
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
