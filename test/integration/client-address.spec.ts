// The client address behind real proxies that append to X-Forwarded-For (as nginx's
// $proxy_add_x_forwarded_for and cloud load balancers do): what the rate limits count and what a
// session records. Clients, proxies and the app talk over distinct loopback addresses, so each hop
// sees a peer of its own.
import type { AppConfig } from '#src/infra/config/app-config.js';
import { newAccount } from '../support/auth-client.js';
import { forwardingProxy, requestFrom, type ForwardingProxy } from '../support/forwarding-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Where the first proxy connects onward from, and the second. */
const PROXY_ONE = '127.0.0.10';
const PROXY_TWO = '127.0.0.11';

describe('client address behind appending proxies (TRUST_PROXY)', () => {
  const apps: TestApp[] = [];
  const proxies: ForwardingProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await Promise.all(apps.map((app) => app.close()));
  });

  async function app(trustProxy?: AppConfig['TRUST_PROXY']): Promise<TestApp> {
    const started = await startTestApp(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy });
    apps.push(started);
    return started;
  }
  /** An app with the tests' setting, TRUST_PROXY=true, shared by the tests that use it. */
  let standard: Promise<TestApp> | undefined;
  const standardApp = () => (standard ??= app());

  /** One proxy in front of `target` (its URL), or two in a row; returns the URL clients call. */
  async function inFront(target: TestApp, hops: 1 | 2): Promise<string> {
    const nearest = await forwardingProxy(target.baseUrl, hops === 1 ? PROXY_ONE : PROXY_TWO);
    proxies.push(nearest);
    if (hops === 1) return nearest.url;
    const outer = await forwardingProxy(nearest.url, PROXY_ONE);
    proxies.push(outer);
    return outer.url;
  }

  /** Registers from `client` through `url` with a forged X-Forwarded-For, and returns the session's recorded ip. */
  async function sessionIp(client: string, url: string, forwardedFor?: string): Promise<string> {
    const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
    const registered = await requestFrom(client, `${url}/api/v1/auth/register`, {
      method: 'POST',
      headers,
      body: newAccount('addr'),
    });
    expect(registered.status).toBe(201);
    const sessions = await requestFrom(client, `${url}/api/v1/auth/sessions`, {
      headers: { authorization: `Bearer ${registered.json().accessToken}`, ...headers },
    });
    expect(sessions.status).toBe(200);
    return sessions.json().items[0].ip;
  }

  it('one appending proxy, TRUST_PROXY=true: a forged left-most entry is not the session ip', async () => {
    const url = await inFront(await standardApp(), 1);
    expect(await sessionIp('127.0.0.5', url, '198.51.100.66')).toBe('127.0.0.5');
    expect(await sessionIp('127.0.0.6', url, '198.51.100.66, 203.0.113.9')).toBe('127.0.0.6');
    expect(await sessionIp('127.0.0.7', url)).toBe('127.0.0.7');
  });

  it('one appending proxy: forging a new left-most entry on each attempt does not escape the per-address login limit', async () => {
    const url = await inFront(await standardApp(), 1);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const response = await requestFrom('127.0.0.40', `${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'x-forwarded-for': `198.51.100.${attempt}` },
        body: { login: `nobody_${attempt}`, password: 'wrong password' },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another client behind the same proxy has its own budget.
    const other = await requestFrom('127.0.0.41', `${url}/api/v1/auth/login`, {
      method: 'POST',
      body: { login: 'nobody_else', password: 'wrong password' },
    });
    expect(other.status).toBe(401);
  });

  it('two appending proxies, TRUST_PROXY=2: the client is the address the outer proxy saw', async () => {
    const url = await inFront(await app(2), 2);
    expect(await sessionIp('127.0.0.20', url, '198.51.100.66')).toBe('127.0.0.20');
  });

  it('two appending proxies but TRUST_PROXY=1: one hop too few, so the outer proxy is the client', async () => {
    const url = await inFront(await app(1), 2);
    expect(await sessionIp('127.0.0.21', url, '198.51.100.66')).toBe(PROXY_ONE);
  });

  it('a list of proxy addresses and CIDR ranges: listed hops are skipped, an unlisted peer is the client', async () => {
    const target = await app(['127.0.0.8/30', PROXY_TWO]);
    const url = await inFront(target, 2);
    expect(await sessionIp('127.0.0.22', url, '198.51.100.66')).toBe('127.0.0.22');
    // Straight to the app from an address that is no listed proxy: its header is not read.
    expect(await sessionIp('127.0.0.23', target.baseUrl, '198.51.100.66')).toBe('127.0.0.23');
  });

  it.each(['garbage', '203.0.113.7:4711', '203.0.113.7,', ' , '])(
    'a malformed right-most entry (%j) falls back to the peer address, with no error',
    async (forwardedFor) => {
      const target = await standardApp();
      expect(await sessionIp('127.0.0.30', target.baseUrl, forwardedFor)).toBe('127.0.0.30');
    },
  );
});
