import { randomUUID } from 'node:crypto';
import { bearer, type Requester, type SignedIn } from './auth-client.js';
import type { HttpResponse } from './test-app.js';

/** Calls of the conversations and messages API, as a client app makes them. */
export const chat = (t: Requester, who: SignedIn) => {
  const call = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1/conversations${path}`, { headers: bearer(who.accessToken), body });
  return {
    call,
    openDirect: (other: SignedIn) => call('POST', '', { type: 'direct', userId: other.user.id }),
    createGroup: (title: string, members: SignedIn[]) =>
      call('POST', '', { type: 'group', title, memberIds: members.map((member) => member.user.id) }),
    list: (query = '') => call('GET', query),
    detail: (id: string) => call('GET', `/${id}`),
    send: (id: string, body: string, extra: Record<string, unknown> = {}) =>
      call('POST', `/${id}/messages`, { clientMessageId: randomUUID(), body, ...extra }),
    messages: (id: string, query = '') => call('GET', `/${id}/messages${query}`),
    sync: (id: string, query = '') => call('GET', `/${id}/sync${query}`),
    read: (id: string, seq: number) => call('POST', `/${id}/read`, { seq }),
    unread: () => call('GET', '/unread'),
    reply: (id: string, rootId: string, body: string, extra: Record<string, unknown> = {}) =>
      call('POST', `/${id}/messages`, { clientMessageId: randomUUID(), body, threadRootId: rootId, ...extra }),
    threads: (id: string, query = '') => call('GET', `/${id}/threads${query}`),
    threadMessages: (id: string, rootId: string, query = '') =>
      call('GET', `/${id}/threads/${rootId}/messages${query}`),
    readThread: (id: string, rootId: string, seq: number) => call('POST', `/${id}/threads/${rootId}/read`, { seq }),
    follow: (id: string, rootId: string) => call('PUT', `/${id}/threads/${rootId}/follow`),
    unfollow: (id: string, rootId: string) => call('DELETE', `/${id}/threads/${rootId}/follow`),
  };
};

/** The body of a response that must have the given status; fails with the body otherwise. */
export function expectStatus<T = any>(response: HttpResponse, status: number): T {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.text ? response.json<T>() : (undefined as T);
}
