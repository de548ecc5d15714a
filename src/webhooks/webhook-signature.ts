import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets are `whsec_` and the base64 of the key. */
const SECRET_PREFIX = 'whsec_';

/** A new webhook's secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

/** The HMAC key a secret stands for: the bytes of its base64 part, after `whsec_`. */
export const signingKey = (secret: string): Buffer => Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` (the Standard Webhooks signature). */
export const webhookSignature = (secret: string, id: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;

/**
 * The headers of one attempt. The id is the delivery's, the same on every retry, so a receiver can
 * drop repeats; the timestamp is the attempt's, so it can refuse old replays.
 */
export const webhookHeaders = (
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(timestampSeconds),
  'webhook-signature': webhookSignature(secret, id, timestampSeconds, body),
});
