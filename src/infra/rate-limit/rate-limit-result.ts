export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the oldest hit counted in the window leaves it, freeing a slot. */
  resetMs: number;
}

/** What the window script answers: whether the hit was counted, the hits now in the window, and `resetMs`. */
export type WindowReply = [allowed: number, count: number, resetMs: number];

export function fromWindowReply([allowed, count, resetMs]: WindowReply, limit: number): RateLimitResult {
  return { allowed: allowed === 1, limit, remaining: Math.max(0, limit - count), resetMs: Math.max(0, resetMs) };
}

/** The answer while Redis cannot count: the hit goes on (limits fail open). */
export function failedOpen(limit: number, windowMs: number): RateLimitResult {
  return { allowed: true, limit, remaining: limit, resetMs: windowMs };
}

/** Whole seconds until a slot frees, as `Retry-After` says it: never 0, since a slot is not free yet. */
export function retryAfterSeconds(result: RateLimitResult): number {
  return Math.max(1, Math.ceil(result.resetMs / 1000));
}

/** `X-RateLimit-Reset`: whole seconds until the next slot frees (rounded up, so waiting that long is enough). */
export function resetSeconds(result: RateLimitResult): number {
  return Math.ceil(result.resetMs / 1000);
}
