import { bearer, deleteAccount, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';

interface ListedMember {
  userId: string;
  displayName: string | null;
  avatarUrl: string | null;
  deleted: boolean;
}

describe('a profile change, as contacts see it in their cached conversation lists', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => ([one, two] = await startTwoTestApps()));
  afterAll(() => Promise.all([one.close(), two.close()]));

  /** Bob's list on instance two, warm: the second read is a cache hit. */
  const warmList = async (bob: SignedIn) => {
    await chat(two, bob).list();
    expect((await chat(two, bob).list()).headers.get('x-cache')).toBe('HIT');
  };
  const annAsListedFor = async (viewer: SignedIn, ann: SignedIn, conversationId: string) => {
    const page = expectStatus<{ items: { id: string; members: ListedMember[] }[] }>(
      await chat(two, viewer).list(),
      200,
    );
    return page.items.find((item) => item.id === conversationId)?.members.find((m) => m.userId === ann.user.id);
  };

  it('shows a new name and avatar at once, in direct and group conversations', async () => {
    const [ann, bob, cid] = [await register(one), await register(one), await register(one)];
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const group = expectStatus<{ id: string }>(await chat(one, cid).createGroup('trio', [ann, bob]), 201).id;
    await warmList(bob);

    const changes = { displayName: 'Ann Renamed', avatarUrl: 'https://cdn.example.com/ann.png' };
    const patched = await one.request('PATCH', '/api/v1/users/me', { headers: bearer(ann.accessToken), body: changes });
    expect(patched.status).toBe(200);

    for (const conversationId of [direct, group]) {
      expect(await annAsListedFor(bob, ann, conversationId)).toMatchObject({ ...changes, deleted: false });
    }
  });

  it('shows a deleted account as deleted at once', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    await warmList(bob);
    expect(await annAsListedFor(bob, ann, direct)).toMatchObject({ deleted: false });

    expect((await deleteAccount(one, ann)).status).toBe(204);

    expect(await annAsListedFor(bob, ann, direct)).toMatchObject({ deleted: true });
  });
});
