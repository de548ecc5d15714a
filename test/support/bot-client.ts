import { bearer, type Requester, type SignedIn } from './auth-client.js';
import type { HttpResponse } from './test-app.js';

export interface CreatedBot {
  user: { id: string; username: string; displayName: string | null; bot: boolean; deleted: boolean };
  apiKey: string;
}

let counter = 0;

/** A fresh bot username, unique within a test run. */
export function newBotName(name = 'bot'): string {
  counter += 1;
  return `${name}_${process.pid}_${counter}`.slice(0, 32).toLowerCase();
}

/** `Authorization: Bot <apiKey>`. */
export const botAuth = (apiKey: string) => ({ authorization: `Bot ${apiKey}` });

export const createBotRequest = (t: Requester, admin: SignedIn, body: unknown): Promise<HttpResponse> =>
  t.request('POST', '/api/v1/admin/bots', { headers: bearer(admin.accessToken), body });

/** A bot created by `admin` (who must be a system admin). */
export async function createBot(t: Requester, admin: SignedIn, username = newBotName()): Promise<CreatedBot> {
  const response = await createBotRequest(t, admin, { username, displayName: `Bot ${username}` });
  if (response.status !== 201) throw new Error(`bot creation failed: ${response.status} ${response.text}`);
  return response.json<CreatedBot>();
}

export const deleteBot = (t: Requester, admin: SignedIn, botId: string): Promise<HttpResponse> =>
  t.request('DELETE', `/api/v1/admin/bots/${botId}`, { headers: bearer(admin.accessToken) });

/** A bot as a requester of its own: every call carries its key. */
export const asBot = (t: Requester, apiKey: string) => ({
  request: (method: string, path: string, body?: unknown) =>
    t.request(method, path, { headers: botAuth(apiKey), body }),
});
