/** How long to wait before retrying outbox work: exponential, capped, with jitter. */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * The delay before attempt `attempts + 1`: `base * 2^(attempts-1)` up to `cap`, of which the second
 * half is random ("equal jitter"), so rows that failed together (a provider outage) do not all
 * come back at the same moment, and none comes back sooner than half its step.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
