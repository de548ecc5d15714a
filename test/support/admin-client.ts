import { bearer, newAccount, register, type Requester, type SignedIn } from './auth-client.js';
import type { HttpResponse } from './test-app.js';

/** The addresses a test app lists in ADMIN_EMAILS (`startTestApp(ADMIN_SETTINGS)`), in a case of their own. */
const ADMIN_EMAILS = [1, 2, 3, 4, 5].map((n) => (n === 1 ? 'root@admins.example' : `admin${n}@admins.example`));
export const ADMIN_EMAIL = ADMIN_EMAILS[0];
export const ADMIN_SETTINGS = { ADMIN_EMAILS: ADMIN_EMAILS.map((email) => email.toUpperCase()).join(', ') };

let registered = 0;

/** Registers the next ADMIN_EMAILS account: up to five per test file, whose tables start empty. */
export function registerAdmin(t: Requester): Promise<SignedIn> {
  const email = ADMIN_EMAILS[registered++];
  if (!email) throw new Error('every ADMIN_EMAILS address of the test settings is registered already');
  return register(t, { ...newAccount('admin'), email });
}

export interface AuditItem {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

/** Calls of the `/admin` API, as an admin console makes them. */
export const admin = (t: Requester, who: SignedIn) => {
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(method, `/api/v1/admin${path}`, { headers: { ...bearer(who.accessToken), ...headers }, body });
  return {
    call,
    users: (query = '') => call('GET', `/users${query}`),
    suspend: (userId: string, body: unknown = { reason: 'spamming' }, headers?: Record<string, string>) =>
      call('POST', `/users/${userId}/suspend`, body, headers),
    unsuspend: (userId: string) => call('POST', `/users/${userId}/unsuspend`),
    reports: (query = '') => call('GET', `/reports${query}`),
    resolve: (reportId: string, body: unknown) => call('POST', `/reports/${reportId}/resolve`, body),
    deleteMessage: (messageId: string) => call('DELETE', `/messages/${messageId}`),
    audit: (query = '') => call('GET', `/audit${query}`),
    /** The audit rows about `targetId`, newest first (from the first page of 100). */
    async auditOf(targetId: string): Promise<AuditItem[]> {
      const response: HttpResponse = await call('GET', '/audit?limit=100');
      if (response.status !== 200) throw new Error(`audit: ${response.status} ${response.text}`);
      return response.json<{ items: AuditItem[] }>().items.filter((item) => item.targetId === targetId);
    },
  };
};

/** `POST /reports` as `who`. */
export const fileReport = (t: Requester, who: SignedIn, body: unknown) =>
  t.request('POST', '/api/v1/reports', { headers: bearer(who.accessToken), body });
