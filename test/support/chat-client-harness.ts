import { createHmac, randomUUID } from 'node:crypto';
import { ChatClient, type ChatClientOptions } from '@chat-backend/client';
import { freshAddress, newAccount } from './auth-client.js';
import { TEST_JWT_SECRET } from './test-config.js';

/** What a harnessed client sent: the paths of its requests, to count refreshes. */
export interface Traffic {
  paths: string[];
  count(path: string): number;
}

/**
 * A ChatClient of the package, as an app builds it, at a client address of its own (instances trust
 * one proxy hop) so tests stay under the per-address limits, with its requests recorded.
 */
export function harnessedClient(
  baseUrl: string,
  options: Partial<ChatClientOptions> & { beforeSend?: (request: Request) => Promise<void> } = {},
): { client: ChatClient; traffic: Traffic } {
  const address = freshAddress();
  const paths: string[] = [];
  const client = new ChatClient({
    baseUrl,
    realtime: { reconnectDelayMs: 200, reconnectDelayMaxMs: 1000 },
    ...options,
    fetch: async (request) => {
      paths.push(new URL(request.url).pathname);
      request.headers.set('x-forwarded-for', address['x-forwarded-for']);
      await options.beforeSend?.(request);
      return fetch(request);
    },
  });
  return { client, traffic: { paths, count: (path) => paths.filter((seen) => seen === path).length } };
}

/** Holds the first `count` requests to `path` until all are waiting, so that they go out together. */
export function barrier(path: string, count: number): (request: Request) => Promise<void> {
  const waiting: (() => void)[] = [];
  let held = 0;
  return (request) => {
    if (new URL(request.url).pathname !== path || held++ >= count) return Promise.resolve();
    return new Promise((resolve) => {
      waiting.push(resolve);
      if (waiting.length === count) waiting.splice(0).forEach((release) => release());
    });
  };
}

/** Registers a new account through `client`. */
export function registerThrough(client: ChatClient, name: string) {
  return client.register(newAccount(name));
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An access token of the session that expired a minute ago, signed as the service signs them. */
export function expiredAccessToken(userId: string, sessionId: string): string {
  return accessTokenExpiringIn(userId, sessionId, -60);
}

/** An access token of the session that expires `seconds` from now, signed as the service signs them. */
export function accessTokenExpiringIn(userId: string, sessionId: string, seconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = { sub: userId, sid: sessionId, jti: randomUUID(), iat: now - 1, exp: now + seconds };
  const unsigned = `${header}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
}
