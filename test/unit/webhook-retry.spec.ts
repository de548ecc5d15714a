import { deliveryOutcome, WEBHOOK_RETRY_CAP_MS, WEBHOOK_RETRY_WINDOW_MS } from '#src/webhooks/webhook-retry.js';

const BASE_MS = 5_000;
const created = new Date('2026-12-01T00:00:00.000Z');
const at = (ms: number) => new Date(created.getTime() + ms);
const highest = () => 1;
const lowest = () => 0;
const HOUR = 60 * 60_000;

describe('what becomes of a webhook delivery after an attempt', () => {
  it.each([200, 201, 202, 204, 299])('a %i answer delivers it', (statusCode) => {
    expect(deliveryOutcome({ statusCode }, 1, created, at(1_000), BASE_MS)).toEqual({ status: 'delivered' });
  });

  it('a 2xx answer delivers it even past the 24 h window', () => {
    expect(deliveryOutcome({ statusCode: 200 }, 30, created, at(WEBHOOK_RETRY_WINDOW_MS + HOUR), BASE_MS)).toEqual({
      status: 'delivered',
    });
  });

  it.each([
    ['a redirect (never followed)', { statusCode: 301 }],
    ['a 304', { statusCode: 304 }],
    ['a client error', { statusCode: 404 }],
    ['a 410', { statusCode: 410 }],
    ['a server error', { statusCode: 500 }],
    ['a 503', { statusCode: 503 }],
    ['a status below 200', { statusCode: 100 }],
    ['a timeout', { error: 'timeout: no complete answer within 10000 ms' }],
    ['no connection', { error: 'network: connect ECONNREFUSED 127.0.0.1:9' }],
  ])('%s is retried later', (_case, reply) => {
    const outcome = deliveryOutcome(reply, 1, created, at(1_000), BASE_MS, highest);
    expect(outcome).toEqual({ status: 'pending', nextAttemptAt: at(1_000 + BASE_MS) });
  });

  it('waits longer after each failure, doubling from the base with jitter, up to an hour', () => {
    const now = at(HOUR);
    const waits = [1, 2, 3, 4, 5, 6, 12, 20].map((attempts) => {
      const outcome = deliveryOutcome({ statusCode: 500 }, attempts, created, now, BASE_MS, highest);
      return outcome.status === 'pending' ? outcome.nextAttemptAt.getTime() - now.getTime() : null;
    });
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, WEBHOOK_RETRY_CAP_MS, WEBHOOK_RETRY_CAP_MS]);
    const lowestWait = deliveryOutcome({ statusCode: 500 }, 3, created, now, BASE_MS, lowest);
    expect(lowestWait).toEqual({ status: 'pending', nextAttemptAt: new Date(now.getTime() + 10_000) });
  });

  it('never schedules an attempt past 24 h after the event: the last one falls at that mark', () => {
    const now = at(WEBHOOK_RETRY_WINDOW_MS - 10 * 60_000);
    expect(deliveryOutcome({ statusCode: 500 }, 25, created, now, BASE_MS, highest)).toEqual({
      status: 'pending',
      nextAttemptAt: at(WEBHOOK_RETRY_WINDOW_MS),
    });
  });

  it('fails it when an attempt at or after 24 h from the event fails', () => {
    for (const late of [WEBHOOK_RETRY_WINDOW_MS, WEBHOOK_RETRY_WINDOW_MS + 1, WEBHOOK_RETRY_WINDOW_MS * 3]) {
      expect(deliveryOutcome({ statusCode: 500 }, 25, created, at(late), BASE_MS)).toEqual({ status: 'failed' });
      expect(deliveryOutcome({ error: 'timeout' }, 25, created, at(late), BASE_MS)).toEqual({ status: 'failed' });
    }
  });

  it('keeps a delivery that keeps failing retried for the whole day, then fails it', () => {
    let now = at(0);
    let attempts = 1;
    for (;;) {
      const outcome = deliveryOutcome({ statusCode: 500 }, attempts, created, now, BASE_MS, highest);
      if (outcome.status !== 'pending') {
        expect(outcome).toEqual({ status: 'failed' });
        break;
      }
      expect(outcome.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
      now = outcome.nextAttemptAt;
      attempts += 1;
    }
    expect(now).toEqual(at(WEBHOOK_RETRY_WINDOW_MS));
    // Backoff to an hour, then hourly: about 35 attempts in the day.
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(45);
  });
});
