import { randomUUID } from 'node:crypto';
import { SearchRepository } from '#src/search/search.repository.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';

interface Hit {
  message: { id: string; conversationId: string; body: string; editedAt: string | null; createdAt: string };
  conversationId: string;
}
interface Results {
  items: Hit[];
  nextCursor: string | null;
}

describe('message search', () => {
  let t: TestApp;
  beforeAll(
    async () => (t = await startTestApp({ SEARCHES_PER_MINUTE_PER_USER: 100_000, MESSAGES_PER_MINUTE_PER_USER: 1000 })),
  );
  afterAll(() => t.close());

  const query = (who: SignedIn, params: Record<string, string | number>): Promise<HttpResponse> => {
    const search = new URLSearchParams(
      Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]),
    );
    return t.request('GET', `/api/v1/search/messages?${search.toString()}`, { headers: bearer(who.accessToken) });
  };
  const search = async (who: SignedIn, q: string, extra: Record<string, string | number> = {}) =>
    expectStatus<Results>(await query(who, { q, ...extra }), 200);
  /** The bodies found, most recent first. */
  const found = async (who: SignedIn, q: string, extra: Record<string, string | number> = {}) =>
    (await search(who, q, extra)).items.map((hit) => hit.message.body);
  const send = async (who: SignedIn, conversation: string, body: string) =>
    expectStatus<{ id: string; seq: number }>(await chat(t, who).send(conversation, body), 201);
  const group = async (owner: SignedIn, members: SignedIn[]) =>
    expectStatus<{ id: string }>(await chat(t, owner).createGroup('search', members), 201).id;

  describe('what a query matches', () => {
    let ann: SignedIn;
    let bob: SignedIn;
    beforeAll(async () => {
      [ann, bob] = [await register(t), await register(t)];
      const id = await group(ann, [bob]);
      for (const body of [
        'The quarterly report is ready',
        'Wonderful weather today',
        'concatenate the strings',
        'ok see you',
        'okay then',
        'Café Crème at the MUSÉE',
        'my naïve résumé',
        'Ｔｏｋｙｏ in full width',
        '東京タワーに行きました',
        '我喜欢学习中文',
        '한국어 공부',
        'paid 100% of it',
        'room 1000 booked',
      ]) {
        await send(ann, id, body);
      }
    });

    it('finds whole words, with no stop words dropped and no stemming', async () => {
      expect(await found(bob, 'report')).toEqual(['The quarterly report is ready']);
      // "the" is a stop word elsewhere; here it is a word like any other (and a substring of "then").
      expect(await found(bob, 'the')).toEqual([
        'Café Crème at the MUSÉE',
        'okay then',
        'concatenate the strings',
        'Wonderful weather today',
        'The quarterly report is ready',
      ]);
      // No stemming: "string" is in "strings" as text, "reports" is in nothing.
      expect(await found(bob, 'string')).toEqual(['concatenate the strings']);
      expect(await found(bob, 'reports')).toEqual([]);
    });

    it('finds word prefixes, and short words only at the start of a word', async () => {
      expect(await found(bob, 'wonder')).toEqual(['Wonderful weather today']);
      expect(await found(bob, 'ok')).toEqual(['okay then', 'ok see you']);
      // "ay" is inside "okay" and "today" but starts no word.
      expect(await found(bob, 'ay')).toEqual([]);
    });

    it('finds substrings of three characters or more inside words', async () => {
      expect(await found(bob, 'eport')).toEqual(['The quarterly report is ready']);
      expect(await found(bob, 'cat')).toEqual(['concatenate the strings']);
    });

    it('needs every word of the query', async () => {
      expect(await found(bob, 'report ready')).toEqual(['The quarterly report is ready']);
      expect(await found(bob, 'ready report')).toEqual(['The quarterly report is ready']);
      expect(await found(bob, 'report weather')).toEqual([]);
      expect(await found(bob, 'see ok')).toEqual(['ok see you']);
    });

    it('ignores case, accents and full-width forms, on both sides', async () => {
      for (const q of ['cafe', 'CAFÉ', 'Café', 'musee', 'MUSÉE', 'creme']) {
        expect(await found(bob, q)).toEqual(['Café Crème at the MUSÉE']);
      }
      for (const q of ['resume', 'résumé', 'naive', 'NAÏVE']) expect(await found(bob, q)).toEqual(['my naïve résumé']);
      // Typed decomposed (e + combining acute), it is the same word; marks alone are no word at all.
      expect(await found(bob, 'cafe\u0301')).toEqual(['Café Crème at the MUSÉE']);
      expect(await found(bob, '\u0301\u0301\u0301')).toEqual([]);
      expect(await found(bob, 'tokyo')).toEqual(['Ｔｏｋｙｏ in full width']);
      expect(await found(bob, 'ＴＯＫ')).toEqual(['Ｔｏｋｙｏ in full width']);
    });

    it('finds CJK substrings: three characters anywhere, and two-character words', async () => {
      expect(await found(bob, 'タワー')).toEqual(['東京タワーに行きました']);
      expect(await found(bob, '行きました')).toEqual(['東京タワーに行きました']);
      expect(await found(bob, '東京')).toEqual(['東京タワーに行きました']);
      expect(await found(bob, '学习中')).toEqual(['我喜欢学习中文']);
      expect(await found(bob, '中文')).toEqual(['我喜欢学习中文']);
      expect(await found(bob, '국어')).toEqual(['한국어 공부']);
      expect(await found(bob, '京都')).toEqual([]);
    });

    it('takes LIKE characters literally', async () => {
      expect(await found(bob, '100%')).toEqual(['paid 100% of it']);
      expect(await found(bob, '00%')).toEqual(['paid 100% of it']);
      expect(await found(bob, '1_00')).toEqual([]);
    });

    it('finds the same prefixes through the word index as by checking each message', async () => {
      // Past PREFIX_SCAN_MAX_MESSAGES visible messages the word index is used; the data here is far smaller.
      const repository = t.app.get(SearchRepository);
      const bodies = async (match: 'scan' | 'index', query: string) =>
        (
          await repository.messages({ substrings: [], prefixes: { query, match } }, { userId: bob.user.id, limit: 100 })
        ).map((row) => row.body);
      for (const query of ["'ok':*", "'ok':* & 'see':*", "'q':*", "'東京タワーに行きました':*"]) {
        expect({ query, found: await bodies('index', query) }).toEqual({ query, found: await bodies('scan', query) });
      }
      expect(await bodies('index', "'ok':*")).toEqual(['okay then', 'ok see you']);
    });

    it('answers each hit with the message and its conversation', async () => {
      const [hit] = (await search(bob, 'quarterly')).items;
      expect(hit.conversationId).toBe(hit.message.conversationId);
      expect(hit.message).toMatchObject({
        body: 'The quarterly report is ready',
        senderId: ann.user.id,
        editedAt: null,
      });
    });
  });

  describe('who finds what', () => {
    it("finds only the caller's conversations, and an outsider's conversationId is 404 like one that does not exist", async () => {
      const [ann, bob, cat] = [await register(t), await register(t), await register(t)];
      const ours = await group(ann, [bob]);
      const theirs = await group(bob, [cat]);
      await send(ann, ours, 'zebra crossing in ours');
      await send(bob, theirs, 'zebra crossing in theirs');
      expect(await found(ann, 'zebra')).toEqual(['zebra crossing in ours']);
      expect((await found(bob, 'zebra')).sort()).toEqual(['zebra crossing in ours', 'zebra crossing in theirs']);
      expect(await found(bob, 'zebra', { conversationId: theirs })).toEqual(['zebra crossing in theirs']);
      for (const conversationId of [theirs, randomUUID()]) {
        const response = await query(ann, { q: 'zebra', conversationId });
        expect(response.status).toBe(404);
        expect(response.json()).toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
      }
    });

    it('finds nothing of a message request until it is accepted', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const request = expectStatus<{ id: string }>(await chat(t, ann).openDirect(bob), 201).id;
      await send(ann, request, 'pelican delivery proposal');
      // The sender started it and finds it; the recipient has not accepted.
      expect(await found(ann, 'pelican')).toEqual(['pelican delivery proposal']);
      expect(await found(bob, 'pelican')).toEqual([]);
      expect(await found(bob, 'pelican', { conversationId: request })).toEqual([]);
      expectStatus(await chat(t, bob).call('POST', `/${request}/accept`), 200);
      expect(await found(bob, 'pelican')).toEqual(['pelican delivery proposal']);
    });

    it('finds nothing of a declined request', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const request = expectStatus<{ id: string }>(await chat(t, ann).openDirect(bob), 201).id;
      await send(ann, request, 'walrus offer');
      expectStatus(await chat(t, bob).call('POST', `/${request}/decline`), 204);
      expect(await found(bob, 'walrus')).toEqual([]);
    });

    it('a removed member finds neither the new messages nor the old ones', async () => {
      const [ann, bob, cat] = [await register(t), await register(t), await register(t)];
      const id = await group(ann, [bob, cat]);
      await send(ann, id, 'heron before removal');
      expect(await found(bob, 'heron')).toEqual(['heron before removal']);
      expectStatus(await chat(t, ann).call('DELETE', `/${id}/members/${bob.user.id}`), 204);
      await send(ann, id, 'heron after removal');
      expect(await found(bob, 'heron')).toEqual([]);
      expect((await query(bob, { q: 'heron', conversationId: id })).status).toBe(404);
      expect(await found(cat, 'heron')).toEqual(['heron after removal', 'heron before removal']);
    });

    it('hides what the caller hid, and finds what came after', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const id = await group(ann, [bob]);
      await send(ann, id, 'otter before hiding');
      expectStatus(await chat(t, bob).call('DELETE', `/${id}`), 204);
      expect(await found(bob, 'otter')).toEqual([]);
      expect(await found(ann, 'otter')).toEqual(['otter before hiding']);
      await send(ann, id, 'otter after hiding');
      expect(await found(bob, 'otter')).toEqual(['otter after hiding']);
    });
  });

  describe('changes to messages', () => {
    it('never finds a deleted message', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const id = await group(ann, [bob]);
      const gone = await send(ann, id, 'badger to delete');
      await send(ann, id, 'badger to keep');
      expectStatus(await chat(t, ann).call('DELETE', `/${id}/messages/${gone.id}`), 204);
      expect(await found(bob, 'badger')).toEqual(['badger to keep']);
      expect(await found(ann, 'badger', { conversationId: id })).toEqual(['badger to keep']);
    });

    it('finds an edited message by its new text only', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const id = await group(ann, [bob]);
      const message = await send(ann, id, 'original wording here');
      expectStatus(
        await chat(t, ann).call('PATCH', `/${id}/messages/${message.id}`, { body: 'revised phrasing here' }),
        200,
      );
      expect(await found(bob, 'original')).toEqual([]);
      const [hit] = (await search(bob, 'revised')).items;
      expect(hit.message).toMatchObject({ id: message.id, body: 'revised phrasing here' });
      expect(hit.message.editedAt).not.toBeNull();
      expect(await found(bob, 'here')).toEqual(['revised phrasing here']);
    });
  });

  describe('pages', () => {
    it('pages through every hit once, most recent first, however many arrive meanwhile', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const [first, second] = [await group(ann, [bob]), await group(bob, [ann])];
      const sent: string[] = [];
      for (let i = 0; i < 25; i += 1) {
        const message = await send(i % 2 ? bob : ann, i % 3 ? first : second, `lantern number ${i}`);
        sent.push(message.id);
        await send(ann, first, `noise ${i}`);
      }
      const seen: Hit[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Results = await search(bob, 'lantern', { limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
        // New hits land before the first page: the pages still to come do not move.
        await send(ann, first, `lantern late ${pages}`);
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.map((hit) => hit.message.id)).toEqual([...sent].reverse());
      const times = seen.map((hit) => hit.message.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect((await search(bob, 'lantern', { limit: 100 })).items).toHaveLength(28);
    });

    it('pages within one conversation', async () => {
      const [ann, bob] = [await register(t), await register(t)];
      const [first, second] = [await group(ann, [bob]), await group(ann, [bob])];
      for (let i = 0; i < 3; i += 1) {
        await send(ann, first, `walnut in first ${i}`);
        await send(ann, second, `walnut in second ${i}`);
      }
      const one = await search(bob, 'walnut', { conversationId: first, limit: 2 });
      const two = await search(bob, 'walnut', { conversationId: first, limit: 2, cursor: one.nextCursor! });
      expect([...one.items, ...two.items].map((hit) => hit.message.body)).toEqual([
        'walnut in first 2',
        'walnut in first 1',
        'walnut in first 0',
      ]);
      expect(two.nextCursor).toBeNull();
    });
  });

  describe('refused queries', () => {
    it('is 400 for a query of spaces, one character, or more than 200 characters, and 401 without a token', async () => {
      const ann = await register(t);
      for (const q of ['', ' ', '   ', 'a', ' a ', 'é', '\u3000\u3000', 'x'.repeat(201)]) {
        const response = await query(ann, { q });
        expect({ q, status: response.status }).toEqual({ q, status: 400 });
        expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'q' }] });
      }
      expect(
        (await t.request('GET', '/api/v1/search/messages?limit=5', { headers: bearer(ann.accessToken) })).status,
      ).toBe(400);
      expect((await query(ann, { q: 'x'.repeat(200) })).status).toBe(200);
      expect((await t.request('GET', '/api/v1/search/messages?q=hello')).status).toBe(401);
    });

    it('is 400 for a cursor, a limit or a conversationId it cannot use', async () => {
      const ann = await register(t);
      const tampered = Buffer.from(JSON.stringify({ createdAt: 'now', id: "1' OR '1'='1" })).toString('base64url');
      const refused: Record<string, string | number>[] = [
        { cursor: 'nonsense' },
        { cursor: tampered },
        { limit: 0 },
        { limit: 101 },
        { conversationId: 'x' },
      ];
      for (const extra of refused) {
        const response = await query(ann, { q: 'hello', ...extra });
        expect({ extra, status: response.status }).toEqual({ extra, status: 400 });
      }
    });
  });
});
