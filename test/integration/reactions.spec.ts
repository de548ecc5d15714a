import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

interface Reactions {
  conversationId: string;
  messageId: string;
  reactions: Record<string, number>;
}

const answer = (response: HttpResponse) => ({ status: response.status, code: response.json<{ code?: string }>().code });

/** `count` distinct emoji from the emoticons block (U+1F600…), each a single RGI emoji. */
const emoticons = (count: number) => Array.from({ length: count }, (_, i) => String.fromCodePoint(0x1f600 + i));

describe('reactions', () => {
  let one: TestApp;
  let two: TestApp;
  let owner: SignedIn;
  let members: SignedIn[];
  let conversation: string;

  beforeAll(async () => {
    // Every case sends a message of its own: more than the default 30 a minute.
    // Members here add hundreds of reactions within seconds, past the default per-user limit.
    [one, two] = await startTwoTestApps({ MESSAGES_PER_MINUTE_PER_USER: 1000, REACTIONS_PER_MINUTE_PER_USER: 10_000 });
    owner = await register(one);
    members = await Promise.all(Array.from({ length: 5 }, () => register(one)));
    conversation = expectStatus<{ id: string }>(await chat(one, owner).createGroup('Reactions', members), 201).id;
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const newMessage = async () =>
    expectStatus<{ id: string }>(await chat(one, owner).send(conversation, 'react to me'), 201).id;
  /** The path as a client builds it: the reaction percent-encoded. */
  const path = (message: string, emoji: string) =>
    `/${conversation}/messages/${message}/reactions/${encodeURIComponent(emoji)}`;
  const react = (t: TestApp, who: SignedIn, message: string, emoji: string) =>
    chat(t, who).call('PUT', path(message, emoji));

  it.each([
    ['a plain emoji', '👍'],
    ['a skin tone', '👍🏽'],
    ['a ZWJ family', '👨‍👩‍👧‍👦'],
    ['a ZWJ sequence with a skin tone and a variation selector', '👩🏻‍❤️‍💋‍👨🏼'],
    ['a rainbow flag', '🏳️‍🌈'],
    ['a country flag', '🇫🇷'],
    ['a subdivision flag', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['a keycap', '1️⃣'],
    ['a hash keycap', '#️⃣'],
    ['an emoji-style heart', '❤️'],
    ['a shortcode', ':party_parrot:'],
    ['a shortcode with + and -', ':+1-x:'],
    ['a shortcode of 32 characters', `:${'s'.repeat(32)}:`],
  ])('accepts %s, shows it, and removes it', async (_, emoji) => {
    const message = await newMessage();
    expect(expectStatus<Reactions>(await react(one, members[0], message, emoji), 200).reactions).toEqual({
      [emoji]: 1,
    });
    const page = expectStatus<{ items: { id: string; reactions: Record<string, number> }[] }>(
      await chat(two, owner).messages(conversation),
      200,
    );
    expect(page.items.find((item) => item.id === message)?.reactions).toEqual({ [emoji]: 1 });
    expect(
      expectStatus<Reactions>(await chat(two, members[0]).call('DELETE', path(message, emoji)), 200).reactions,
    ).toEqual({});
  });

  it.each([
    ['a word', 'thumbsup'],
    ['two emoji', '👍👍'],
    ['an emoji and text', '👍ok'],
    ['an emoji and a space', '👍 '],
    ['an emoji and a bell', '👍\u0007'],
    ['a control character', '\u0007'],
    ['an escape sequence', '\u001b[31m'],
    ['a text-style heart', '\u2764'],
    ['a copyright sign', '©'],
    ['a lone regional indicator', '🇫'],
    ['a zero-width joiner', '\u200d'],
    ['a lone skin tone', '🏽'],
    ['a lone variation selector', '\ufe0f'],
    ['a digit', '1'],
    ['an upper-case shortcode', ':Party:'],
    ['an empty shortcode', '::'],
    ['a shortcode of 33 characters', `:${'s'.repeat(33)}:`],
    ['a shortcode with a space', ':a b:'],
    ['a shortcode without its closing colon', ':party'],
    ['two shortcodes', ':a::b:'],
    ['a percent sign', '%'],
    ['an encoded colon, encoded again', '%3Aok%3A'],
  ])('refuses %s on PUT and DELETE: 400 naming emoji, nothing stored', async (_, emoji) => {
    const message = await newMessage();
    for (const method of ['PUT', 'DELETE']) {
      const response = await chat(one, members[0]).call(method, path(message, emoji));
      expect({ status: response.status, body: response.json() }).toEqual({
        status: 400,
        body: expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [expect.objectContaining({ field: 'emoji' })],
        }),
      });
    }
    const prisma = one.app.get(PrismaService);
    expect(await prisma.messageReaction.count({ where: { messageId: message } })).toBe(0);
  });

  it('takes a colon sent as it is or percent-encoded as the same shortcode', async () => {
    const message = await newMessage();
    const raw = `/${conversation}/messages/${message}/reactions/:tada:`;
    expect(expectStatus<Reactions>(await chat(one, members[0]).call('PUT', raw), 200).reactions).toEqual({
      ':tada:': 1,
    });
    expect(expectStatus<Reactions>(await react(two, members[1], message, ':tada:'), 200).reactions).toEqual({
      ':tada:': 2,
    });
  });

  it('refuses a 51st distinct reaction with 409 REACTION_LIMIT, and still counts more of those there', async () => {
    const message = await newMessage();
    const fifty = emoticons(50);
    for (const emoji of fifty) expectStatus(await react(one, owner, message, emoji), 200);
    expect(answer(await react(one, members[0], message, '🎉'))).toEqual({ status: 409, code: 'REACTION_LIMIT' });
    expect(answer(await react(two, owner, message, ':new_one:'))).toEqual({ status: 409, code: 'REACTION_LIMIT' });
    // Adding to a reaction already there, or repeating one's own, is fine.
    const more = expectStatus<Reactions>(await react(two, members[0], message, fifty[0]), 200);
    expect(more.reactions[fifty[0]]).toBe(2);
    expect(Object.keys(more.reactions)).toHaveLength(50);
    expectStatus(await react(one, owner, message, fifty[1]), 200);
    // Once one kind is gone, another fits.
    expectStatus(await chat(one, owner).call('DELETE', path(message, fifty[49])), 200);
    const replaced = expectStatus<Reactions>(await react(one, members[1], message, '🎉'), 200);
    expect(Object.keys(replaced.reactions)).toHaveLength(50);
    expect(replaced.reactions['🎉']).toBe(1);
  });

  it('keeps exactly 50 distinct reactions when members add 60 at once over two instances', async () => {
    const message = await newMessage();
    const sixty = emoticons(60);
    const everyone = [owner, ...members];
    const responses = await Promise.all(
      sixty.map((emoji, i) => react(i % 2 === 0 ? one : two, everyone[i % everyone.length], message, emoji)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(responses.filter((response) => response.status === 409).map((response) => response.json().code)).toEqual(
      Array.from({ length: 10 }, () => 'REACTION_LIMIT'),
    );
    const prisma = one.app.get(PrismaService);
    const stored = await prisma.messageReaction.groupBy({ by: ['emoji'], where: { messageId: message } });
    expect(stored).toHaveLength(50);
    for (const t of [one, two]) {
      const page = expectStatus<{ items: { id: string; reactions: Record<string, number> }[] }>(
        await chat(t, members[0]).messages(conversation),
        200,
      );
      const reactions = page.items.find((item) => item.id === message)?.reactions ?? {};
      expect(Object.keys(reactions).sort()).toEqual(stored.map((row) => row.emoji).sort());
    }
  });
});
