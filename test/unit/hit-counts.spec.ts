import { HitCounts } from '#src/infra/cache/hit-counts.js';

describe('cache hit counts for /health/cache', () => {
  let now = 0;
  const counts = () => new HitCounts(() => now);

  beforeEach(() => (now = 1_000_000_000_000));

  it('counts hits and misses per cache since start, with their ratio', () => {
    const hits = counts();
    hits.record('conversation-list', true);
    hits.record('conversation-list', true);
    hits.record('conversation-list', false);
    hits.record('user-profile', false);
    expect(hits.snapshot()).toEqual({
      'conversation-list': {
        sinceStart: { hits: 2, misses: 1, hitRatio: 2 / 3 },
        lastMinute: { hits: 2, misses: 1, hitRatio: 2 / 3 },
      },
      'user-profile': {
        sinceStart: { hits: 0, misses: 1, hitRatio: 0 },
        lastMinute: { hits: 0, misses: 1, hitRatio: 0 },
      },
    });
  });

  it('lets a lookup out of the last minute between 50 and 60 s later, and keeps it in the totals', () => {
    const hits = counts();
    hits.record('latest-messages', true);
    now += 50_000;
    expect(hits.snapshot()['latest-messages'].lastMinute.hits).toBe(1);
    now += 10_000;
    expect(hits.snapshot()['latest-messages']).toEqual({
      sinceStart: { hits: 1, misses: 0, hitRatio: 1 },
      lastMinute: { hits: 0, misses: 0, hitRatio: null },
    });
  });

  it('reuses a slot that came round again without adding its old counts', () => {
    const hits = counts();
    hits.record('user-me', false);
    now += 60_000; // the same slot of the ring, a minute later
    hits.record('user-me', true);
    expect(hits.snapshot()['user-me']).toEqual({
      sinceStart: { hits: 1, misses: 1, hitRatio: 0.5 },
      lastMinute: { hits: 1, misses: 0, hitRatio: 1 },
    });
  });
});
