import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Ids a client may choose: short, printable, safe to echo in a header and a log line. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id: the client's `X-Request-Id` when it is well-formed, else a new UUID. Kept on the
 * raw request too, where pino-http reads it, so logs, error bodies and the response header agree.
 */
export function assignRequestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
  (raw as IncomingMessage & { id: string }).id = id;
  return id;
}
