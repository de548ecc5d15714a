import type { IncomingHttpHeaders } from 'node:http';
import { OutboundError } from '#src/infra/outbound/outbound.error.js';
import type { PushOutcome } from './push-provider.js';

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * A failed call as an outcome. A refused address, a bad URL or an oversized message will fail the
 * same way every time, so they are not retried; a timeout or a network error may pass next time.
 */
export function outcomeOfError(error: unknown): PushOutcome {
  if (error instanceof OutboundError) {
    if (error.code === 'timeout' || error.code === 'network') return { status: 'retry', reason: error.code };
    return { status: 'rejected', reason: error.code };
  }
  return { status: 'retry', reason: error instanceof Error ? error.message : String(error) };
}

/** What every provider does with a status its own rules left: 2xx delivered, 429 and 5xx retried, the rest refused. */
export function outcomeOfStatus(status: number, headers: IncomingHttpHeaders, detail: string): PushOutcome {
  if (status >= 200 && status < 300) return { status: 'delivered' };
  if (status === 429 || status >= 500) {
    return { status: 'retry', reason: `status ${status}`, retryAfterMs: retryAfterMs(headers['retry-after']) };
  }
  return { status: 'rejected', reason: `status ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}` };
}

export const wrongPlatform = (expected: string): PushOutcome => ({
  status: 'rejected',
  reason: `not a ${expected} target`,
});
