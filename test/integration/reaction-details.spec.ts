import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

interface ReactionDetail {
  emoji: string;
  count: number;
  me: boolean;
  userIds: string[];
}

const answer = (response: HttpResponse) => ({ status: response.status, code: response.json<{ code?: string }>().code });

describe('who reacted to a message', () => {
  let one: TestApp;
  let two: TestApp;
  let owner: SignedIn;
  let members: SignedIn[];
  let conversation: string;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({ MESSAGES_PER_MINUTE_PER_USER: 1000 });
    owner = await register(one);
    members = await Promise.all(Array.from({ length: 25 }, () => register(one)));
    conversation = expectStatus<{ id: string }>(await chat(one, owner).createGroup('Reactors', members), 201).id;
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const newMessage = async (id = conversation) =>
    expectStatus<{ id: string }>(await chat(one, owner).send(id, 'react to me'), 201).id;
  const react = async (who: SignedIn, message: string, emoji: string, method = 'PUT') =>
    expectStatus(
      await chat(one, who).call(method, `/${conversation}/messages/${message}/reactions/${encodeURIComponent(emoji)}`),
      200,
    );
  const detailsOf = (t: TestApp, who: SignedIn, message: string, id = conversation) =>
    chat(t, who).call('GET', `/${id}/messages/${message}/reactions`);
  const details = async (who: SignedIn, message: string) =>
    expectStatus<{ items: ReactionDetail[] }>(await detailsOf(two, who, message), 200).items;
  const ids = (...who: SignedIn[]) => who.map((user) => user.user.id);

  it('lists each emoji with its count and first reactors, most given first, then the one given first', async () => {
    const message = await newMessage();
    const [a, b, c, d] = members;
    // Given in an order that differs from the emoji's own order, so the list's order shows which rule holds.
    await react(a, message, '👍');
    await react(a, message, '❤️');
    await react(b, message, '❤️');
    await react(a, message, '👨‍👩‍👧‍👦');
    await react(c, message, '❤️');
    await react(b, message, '👍');
    await react(d, message, ':tada:');
    await react(c, message, '👍');

    expect(await details(a, message)).toEqual([
      // Three each: 👍 was given first.
      { emoji: '👍', count: 3, me: true, userIds: ids(a, b, c) },
      { emoji: '❤️', count: 3, me: true, userIds: ids(a, b, c) },
      // One each: the family was given first.
      { emoji: '👨‍👩‍👧‍👦', count: 1, me: true, userIds: ids(a) },
      { emoji: ':tada:', count: 1, me: false, userIds: ids(d) },
    ]);
    expect((await details(d, message)).map((item) => [item.emoji, item.me])).toEqual([
      ['👍', false],
      ['❤️', false],
      ['👨‍👩‍👧‍👦', false],
      [':tada:', true],
    ]);
    expect((await details(owner, message)).every((item) => !item.me)).toBe(true);

    // A reaction taken back and given again counts from when it was given again: 👍 now began after ❤️.
    await react(a, message, '👍', 'DELETE');
    await react(a, message, '👍');
    expect((await details(owner, message)).slice(0, 2)).toEqual([
      { emoji: '❤️', count: 3, me: false, userIds: ids(a, b, c) },
      { emoji: '👍', count: 3, me: false, userIds: ids(b, c, a) },
    ]);
    // The counts agree with the message's own.
    const page = expectStatus<{ items: { id: string; reactions: Record<string, number> }[] }>(
      await chat(one, owner).messages(conversation),
      200,
    );
    expect(page.items.find((item) => item.id === message)?.reactions).toEqual({
      '❤️': 3,
      '👍': 3,
      ':tada:': 1,
      '👨‍👩‍👧‍👦': 1,
    });
  });

  it('names the first 20 of 25 reactors, earliest first, and counts all 25', async () => {
    const message = await newMessage();
    for (const member of members) await react(member, message, '🎉');
    const [item] = await details(members[24], message);
    expect(item).toEqual({ emoji: '🎉', count: 25, me: true, userIds: ids(...members.slice(0, 20)) });
    expect(item.userIds).not.toContain(members[24].user.id);
  });

  it('answers an empty list for a message without reactions', async () => {
    expect(await details(members[0], await newMessage())).toEqual([]);
  });

  it('answers outsiders and removed members 404 CONVERSATION_NOT_FOUND', async () => {
    const message = await newMessage();
    await react(members[0], message, '👍');
    const outsider = await register(one);
    expect(answer(await detailsOf(one, outsider, message))).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
    const leaver = await register(one);
    expectStatus(await chat(one, owner).call('POST', `/${conversation}/members`, { userIds: [leaver.user.id] }), 200);
    const later = await newMessage();
    await react(leaver, later, '👍');
    expectStatus(await chat(one, owner).call('DELETE', `/${conversation}/members/${leaver.user.id}`), 204);
    expect(answer(await detailsOf(two, leaver, later))).toEqual({ status: 404, code: 'CONVERSATION_NOT_FOUND' });
  });

  it('answers 404 MESSAGE_NOT_FOUND for a hidden, deleted or foreign message, and 400 for a bad id', async () => {
    const [hider] = members;
    const hidden = await newMessage();
    await react(hider, hidden, '👍');
    const deleted = await newMessage();
    await react(hider, deleted, '👍');
    expectStatus(await chat(one, owner).call('DELETE', `/${conversation}/messages/${deleted}`), 204);
    const elsewhere = expectStatus<{ id: string }>(await chat(one, owner).createGroup('elsewhere', [hider]), 201).id;
    const foreign = await newMessage(elsewhere);

    expect(answer(await detailsOf(one, owner, deleted))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    expect(answer(await detailsOf(one, owner, foreign))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    expect(answer(await detailsOf(one, owner, '00000000-0000-4000-8000-000000000000'))).toEqual({
      status: 404,
      code: 'MESSAGE_NOT_FOUND',
    });
    expect(answer(await detailsOf(one, owner, 'not-a-uuid'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(answer(await detailsOf(one, owner, hidden, 'not-a-uuid'))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });

    expect(await details(hider, hidden)).toHaveLength(1);
    expectStatus(await chat(one, hider).call('DELETE', `/${conversation}`), 204);
    expect(answer(await detailsOf(two, hider, hidden))).toEqual({ status: 404, code: 'MESSAGE_NOT_FOUND' });
    expect(await details(owner, hidden)).toHaveLength(1);
  });
});
