import type { HttpResponse, TestApp } from './test-app.js';

export interface SignedIn {
  user: { id: string; email: string; username: string };
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

let counter = 0;

/** The password of every account `newAccount` makes. */
export const TEST_PASSWORD = 'correct horse battery';

/** A fresh, valid registration body; `name` keeps usernames unique within a test run. */
export function newAccount(name = 'user') {
  counter += 1;
  const username = `${name}_${process.pid}_${counter}`.slice(0, 32).toLowerCase();
  return { email: `${username}@example.com`, username, password: TEST_PASSWORD };
}

/** `DELETE /users/me` with the account's password (every `newAccount` has the same one). */
export const deleteAccount = (t: Requester, who: SignedIn, body: Record<string, unknown> = {}) =>
  t.request('DELETE', '/api/v1/users/me', {
    headers: bearer(who.accessToken),
    body: { password: TEST_PASSWORD, ...body },
  });

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A client address of its own for each call, so tests stay under the per-address limits. */
export const freshAddress = () => {
  counter += 1;
  return { 'x-forwarded-for': `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}` };
};

/** Anything that answers requests: an in-process test app, or a client of an instance process. */
export type Requester = Pick<TestApp, 'request'>;

export async function register(t: Requester, account = newAccount()): Promise<SignedIn> {
  const response = await t.request('POST', '/api/v1/auth/register', { body: account, headers: freshAddress() });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return response.json<SignedIn>();
}

export function login(
  t: TestApp,
  loginName: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  return t.request('POST', '/api/v1/auth/login', { body: { login: loginName, password }, headers });
}

export const me = (t: TestApp, accessToken: string) =>
  t.request('GET', '/api/v1/users/me', { headers: bearer(accessToken) });
