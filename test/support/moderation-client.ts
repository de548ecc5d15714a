import { register, type Requester, type SignedIn } from './auth-client.js';
import { chat, expectStatus } from './chat-client.js';
import type { HttpResponse } from './test-app.js';

/** The moderation routes of a group, as an owner's or admin's client calls them. */
export const moderation = (t: Requester, who: SignedIn, conversationId: string) => {
  const call = (method: string, path: string, body?: unknown) =>
    chat(t, who).call(method, `/${conversationId}${path}`, body);
  return {
    ban: (userId: string, extra: Record<string, unknown> = {}) => call('POST', '/bans', { userId, ...extra }),
    unban: (userId: string) => call('DELETE', `/bans/${userId}`),
    bans: (query = '') => call('GET', `/bans${query}`),
    mute: (userId: string, body: Record<string, unknown> = {}) => call('POST', `/members/${userId}/mute`, body),
    unmute: (userId: string) => call('DELETE', `/members/${userId}/mute`),
    update: (body: Record<string, unknown>) => call('PATCH', '', body),
    add: (...users: SignedIn[]) => call('POST', '/members', { userIds: users.map((user) => user.user.id) }),
  };
};

/** `{ status, code }` of an answer, for one-line expectations. */
export const answer = (response: HttpResponse) => ({
  status: response.status,
  code: response.text ? response.json<{ code?: string }>().code : undefined,
});

/** A group of an owner, an admin and `members` plain members, made on `t`. */
export async function groupWithRoles(t: Requester, members = 2) {
  const owner = await register(t);
  const admin = await register(t);
  const plain = await Promise.all(Array.from({ length: members }, () => register(t)));
  const id = expectStatus<{ id: string }>(await chat(t, owner).createGroup('moderated', [admin, ...plain]), 201).id;
  expectStatus(await chat(t, owner).call('PATCH', `/${id}/members/${admin.user.id}`, { role: 'admin' }), 200);
  return { id, owner, admin, members: plain };
}

/** An ISO time `ms` from now. */
export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
