import { freshAddress, login, newAccount, register } from '../support/auth-client.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

const statuses = (responses: { status: number }[]) =>
  responses.reduce<Record<number, number>>(
    (counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
    {},
  );

/**
 * Rate limits counted once across two app instances.
 * `config` adds settings to both instances (a Redis Cluster, say).
 */
export function rateLimitsAcrossInstances(config: () => Partial<AppConfig> = () => ({})): void {
  describe('rate limits shared by two instances', () => {
    let one: TestApp;
    let two: TestApp;
    beforeAll(async () => ([one, two] = await startTwoTestApps(config())));
    afterAll(() => Promise.all([one.close(), two.close()]));

    it('20 concurrent wrong-password logins from one address over two instances: exactly 5 × 401 and 15 × 429', async () => {
      const account = newAccount('burst');
      await register(one, account);
      const address = { 'x-forwarded-for': '192.0.2.10' };
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(i % 2 ? two : one, account.username, 'wrong password', address)),
      );
      expect(statuses(responses)).toEqual({ 401: 5, 429: 15 });
      const limited = responses.find((response) => response.status === 429)!;
      expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    });

    it('an attacker failing at one address gets 429 after 5 failures there; the owner still signs in from elsewhere', async () => {
      const account = newAccount('owner');
      await register(one, account);
      const attacker = freshAddress();
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => login(i % 2 ? two : one, account.email, 'wrong password', attacker)),
      );
      expect(statuses(attempts)).toEqual({ 401: 5, 429: 7 });
      // Its failures are not the owner's: the right password from the owner's address is let in.
      expect((await login(two, account.username, account.password, freshAddress())).status).toBe(200);
      expect((await login(one, account.username, account.password, attacker)).status).toBe(429);
    });

    it('failures spread over many addresses: past 20 a minute per account, each new address gets one checked attempt, and the right password still signs in', async () => {
      const account = newAccount('spread');
      const home = freshAddress();
      const registered = await one.request('POST', '/api/v1/auth/register', { body: account, headers: home });
      expect(registered.status).toBe(201);
      expect((await login(one, account.email, account.password, home)).status).toBe(200);
      const attackers = Array.from({ length: 26 }, () => freshAddress());
      const failures = await Promise.all(
        attackers.map((address, i) => login(i % 2 ? two : one, account.email, 'wrong password', address)),
      );
      // Every address's first attempt is checked.
      expect(statuses(failures)).toEqual({ 401: 26 });
      // Past 20 failures, an attacking address gets no second try this minute.
      const again = await Promise.all(
        attackers.slice(0, 4).map((address) => login(two, account.email, 'nope', address)),
      );
      expect(statuses(again)).toEqual({ 429: 4 });
      expect(Number(again[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The owner signs in from an address it used before, and from one it never used.
      expect((await login(two, account.username, account.password, home)).status).toBe(200);
      expect((await login(one, account.username, account.password, freshAddress())).status).toBe(200);
    });

    it('sends X-RateLimit-* headers on allowed requests too', async () => {
      const response = await login(one, 'nobody-here', 'whatever', { 'x-forwarded-for': '192.0.2.20' });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ratelimit-limit')).toBe('5');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('4');
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    });

    it('allows 10 registrations per hour per address', async () => {
      const address = { 'x-forwarded-for': '192.0.2.30' };
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? two : one).request('POST', '/api/v1/auth/register', { body: newAccount('reg'), headers: address }),
        ),
      );
      expect(statuses(responses)).toEqual({ 201: 10, 429: 2 });
    });

    it('allows 30 refreshes per minute per session', async () => {
      let { refreshToken } = await register(one);
      const outcomes: number[] = [];
      for (let i = 0; i < 31; i += 1) {
        const response = await (i % 2 ? two : one).request('POST', '/api/v1/auth/refresh', {
          body: { refreshToken },
          headers: freshAddress(),
        });
        outcomes.push(response.status);
        if (response.status === 200) refreshToken = response.json().refreshToken;
      }
      expect(outcomes.slice(0, 30).every((status) => status === 200)).toBe(true);
      expect(outcomes[30]).toBe(429);
    });

    it('counts only refresh tokens that verify: junk naming a session does not use up its budget', async () => {
      const signedIn = await register(one);
      const [prefix, sessionId, generation] = signedIn.refreshToken.split('.');
      const forged = [
        `${prefix}.${sessionId}.${generation}.${'A'.repeat(43)}`,
        `${prefix}.${sessionId}.${Number(generation) + 1}.${'B'.repeat(43)}`,
        `${prefix}.${sessionId}.0.x`,
      ];
      const junk = await Promise.all(
        Array.from({ length: 45 }, (_, i) =>
          (i % 2 ? two : one).request('POST', '/api/v1/auth/refresh', {
            body: { refreshToken: forged[i % forged.length] },
            headers: freshAddress(),
          }),
        ),
      );
      expect(statuses(junk)).toEqual({ 401: 45 });
      const real = await two.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: signedIn.refreshToken } });
      expect(real.status).toBe(200);
      expect(real.headers.get('x-ratelimit-limit')).toBe('30');
      expect(real.headers.get('x-ratelimit-remaining')).toBe('29');
    });

    it('counts logins and rejections in the metrics', async () => {
      const metrics = (await one.request('GET', '/health/metrics')).text;
      expect(metrics).toMatch(/auth_logins_total\{result="success"\} [1-9]/);
      expect(metrics).toMatch(/auth_logins_total\{result="failure"\} [1-9]/);
      expect(metrics).toMatch(/rate_limit_rejections_total\{route="\/api\/v1\/auth\/login",limit="login-ip"\} [1-9]/);
    });
  });
}
