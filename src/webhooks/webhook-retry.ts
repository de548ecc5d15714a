import { retryDelayMs } from '#src/infra/outbox/retry-delay.js';

/** A delivery is retried for this long after its event (API.md: 24 h), then it has failed. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60_000;
/** The longest wait between two attempts. */
export const WEBHOOK_RETRY_CAP_MS = 60 * 60_000;

/** What one attempt got: the receiver's status, or why there was none (timeout, refused, too large). */
export type AttemptReply = { statusCode: number } | { error: string };

/** What becomes of a delivery after an attempt. */
export type DeliveryOutcome =
  { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

/**
 * A 2xx answer delivers; anything else (another status, a timeout, no connection) is tried again
 * with backoff (`retryDelayMs`, from `baseMs` doubling up to an hour), never later than 24 h after
 * the event, so the last attempt falls at that mark; an attempt that fails at or after it fails the
 * delivery. `attempts` counts the one that just ended.
 */
export function deliveryOutcome(
  reply: AttemptReply,
  attempts: number,
  createdAt: Date,
  now: Date,
  baseMs: number,
  random: () => number = Math.random,
): DeliveryOutcome {
  if ('statusCode' in reply && reply.statusCode >= 200 && reply.statusCode < 300) return { status: 'delivered' };
  const deadline = createdAt.getTime() + WEBHOOK_RETRY_WINDOW_MS;
  if (now.getTime() >= deadline) return { status: 'failed' };
  const delay = retryDelayMs(attempts, { baseMs, capMs: WEBHOOK_RETRY_CAP_MS }, random);
  return { status: 'pending', nextAttemptAt: new Date(Math.min(now.getTime() + delay, deadline)) };
}
