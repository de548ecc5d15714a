import { bearer, newAccount, register, type Requester, type SignedIn } from './auth-client.js';

/** The email of the system admin test apps name in ADMIN_EMAILS (one per test process). */
export const ADMIN_EMAIL = `webhook_admin_${process.pid}@example.com`;

/** Registers the account ADMIN_EMAILS names: a system admin on an app started with `{ ADMIN_EMAILS: ADMIN_EMAIL }`. */
export const registerAdmin = (t: Requester): Promise<SignedIn> =>
  register(t, { ...newAccount('admin'), email: ADMIN_EMAIL });

/** Calls of the webhooks admin API. */
export const webhooks = (t: Requester, who: SignedIn) => {
  const call = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1/admin/webhooks${path}`, { headers: bearer(who.accessToken), body });
  return {
    call,
    create: (url: string, events: string[]) => call('POST', '', { url, events }),
    list: () => call('GET', ''),
    remove: (id: string) => call('DELETE', `/${id}`),
    deliveries: (id: string, query = '') => call('GET', `/${id}/deliveries${query}`),
  };
};
