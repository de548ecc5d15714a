import { instanceEnv, spawnApp, type AppProcess } from '../support/app-process.js';
import { freshAddress, newAccount } from '../support/auth-client.js';
import { httpRequest } from '../support/test-app.js';
import { TEST_JWT_SECRET } from '../support/test-config.js';

describe('log lines', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await spawnApp(instanceEnv({ LOG_LEVEL: 'trace' }));
    await app.waitUntilReady();
  }, 60_000);
  afterAll(() => app.kill());

  it('never carry a password, a token, a password hash or the signing secret, even on errors', async () => {
    const account = newAccount('logs');
    const call = (method: string, path: string, body?: unknown, token?: string) =>
      httpRequest(app.baseUrl, method, path, {
        body,
        headers: { ...freshAddress(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    const registered = (await call('POST', '/api/v1/auth/register', account)).json();
    await call('POST', '/api/v1/auth/login', { login: account.username, password: account.password });
    await call('POST', '/api/v1/auth/login', { login: account.username, password: 'wrong password 123' });
    const refreshed = (await call('POST', '/api/v1/auth/refresh', { refreshToken: registered.refreshToken })).json();
    await call('POST', '/api/v1/auth/refresh', { refreshToken: registered.refreshToken });
    await call('GET', '/api/v1/users/me', undefined, refreshed.accessToken);
    await call('POST', '/api/v1/auth/register', { ...account, password: 'short' });
    await call('POST', '/api/v1/auth/logout', undefined, refreshed.accessToken);
    await call('GET', '/api/v1/users/me', undefined, refreshed.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const logs = app.stdout() + app.stderr();
    expect(logs).toContain('/api/v1/auth/login');
    for (const secret of [
      account.password,
      'wrong password 123',
      registered.accessToken,
      registered.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      TEST_JWT_SECRET,
      '$argon2',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
