import { createECDH, createPublicKey, randomBytes, type ECDH } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { checkJwt, nowSeconds } from './jwt-check.js';
import { trustTestCa } from './test-ca.js';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
};

export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushDelivery {
  endpoint: string;
  topic: string | undefined;
  ttl: number;
  urgency: string | undefined;
  payload: any;
}

export interface WebPushRejection {
  endpoint: string;
  status: number;
  reason: string;
}

export interface WebPushService {
  origin: string;
  /** A new browser subscription at this service: an ECDH P-256 key pair and a 16-byte auth secret. */
  subscription(): PushSubscriptionJson;
  delivered: WebPushDelivery[];
  /** Requests that failed a check, so a test can assert there were none. */
  rejections: WebPushRejection[];
  /** The endpoint answers 410 Gone from now on (the browser unsubscribed). */
  unsubscribe(endpoint: string): void;
  /** The next `times` requests to the endpoint answer `status` (500, 503, 429...), with Retry-After when given. */
  failNext(endpoint: string, status: number, times: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/** An uncompressed P-256 point (65 bytes, base64url) as a public key. */
function p256PublicKey(base64url: string) {
  const point = Buffer.from(base64url, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 point');
  const coordinate = (from: number) => point.subarray(from, from + 32).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: coordinate(1), y: coordinate(33) }, format: 'jwk' });
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/**
 * A push service as browsers' vendors run them (RFC 8030), over HTTPS with the test CA: it checks
 * the VAPID token (RFC 8292) and decrypts the aes128gcm body (RFC 8291) with the subscription's keys.
 */
export async function startWebPushService(): Promise<WebPushService> {
  const ca = trustTestCa();
  const subscriptions = new Map<string, { ecdh: ECDH; auth: string }>();
  const gone = new Set<string>();
  const failures = new Map<string, { status: number; times: number; retryAfter?: number }>();
  const delivered: WebPushDelivery[] = [];
  const rejections: WebPushRejection[] = [];
  let origin = '';

  /** Why the request is refused, with the status a push service answers; undefined when it passes. */
  function check(request: IncomingMessage): [number, string] | undefined {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(request.headers.authorization ?? '');
    if (!match) return [401, 'no VAPID authorization'];
    let jwt;
    try {
      jwt = checkJwt(match[1], 'ES256', p256PublicKey(match[2]));
    } catch {
      return [401, 'k is not a P-256 public key'];
    }
    if (typeof jwt === 'string') return [403, `VAPID token: ${jwt}`];
    const { aud, exp, sub } = jwt.claims;
    if (aud !== origin) return [403, `aud ${String(aud)} is not ${origin}`];
    if (typeof exp !== 'number' || exp <= nowSeconds() || exp > nowSeconds() + 24 * 3600) return [403, 'bad exp'];
    if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub)) return [403, 'no sub'];
    if (request.headers['content-encoding'] !== 'aes128gcm') return [400, 'Content-Encoding is not aes128gcm'];
    if (!/^\d+$/.test(String(request.headers.ttl ?? ''))) return [400, 'no TTL'];
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(String(request.headers.topic ?? ''))) return [400, 'no valid Topic'];
    return undefined;
  }

  const server = createServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    void readBody(request).then((body) => {
      const endpoint = `${origin}${request.url}`;
      const reject = (status: number, reason: string) => {
        rejections.push({ endpoint, status, reason });
        response.writeHead(status).end(reason);
      };
      const id = /^\/push\/([\w-]+)$/.exec(request.url ?? '')?.[1];
      const subscription = id ? subscriptions.get(id) : undefined;
      if (request.method !== 'POST' || !subscription) return reject(404, 'no such subscription');
      if (gone.has(endpoint)) return response.writeHead(410).end();
      const failure = failures.get(endpoint);
      if (failure && failure.times > 0) {
        failure.times -= 1;
        const headers = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
        return response.writeHead(failure.status, headers).end();
      }
      const problem = check(request);
      if (problem) return reject(...problem);
      let payload: unknown;
      try {
        const plain = ece.decrypt(body, {
          version: 'aes128gcm',
          privateKey: subscription.ecdh,
          authSecret: subscription.auth,
        });
        payload = JSON.parse(plain.toString('utf8'));
      } catch (error) {
        return reject(400, `cannot decrypt: ${(error as Error).message}`);
      }
      delivered.push({
        endpoint,
        topic: request.headers.topic as string | undefined,
        ttl: Number(request.headers.ttl),
        urgency: request.headers.urgency as string | undefined,
        payload,
      });
      response.writeHead(201, { location: `${endpoint}/messages/${delivered.length}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    subscription() {
      const id = randomBytes(8).toString('hex');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      subscriptions.set(id, { ecdh, auth });
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
    },
    delivered,
    rejections,
    unsubscribe: (endpoint) => void gone.add(endpoint),
    failNext: (endpoint, status, times, retryAfter) => void failures.set(endpoint, { status, times, retryAfter }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
