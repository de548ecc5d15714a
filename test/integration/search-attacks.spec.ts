import { createHmac, randomUUID } from 'node:crypto';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, startTwoTestApps, type HttpResponse, type TestApp } from '../support/test-app.js';

/*
 * GET /api/v1/search/messages as a hostile client uses it: queries that try to reach into LIKE,
 * tsquery or SQL, text in awkward encodings, malformed parameters and crafted cursors, callers
 * who are not (or no longer) members, and searches racing the changes that decide what they may
 * see. Each case answers what a user depends on: the right messages or a clear 4xx, never a 500,
 * never a message of a conversation the caller may not read.
 */

interface Hit {
  message: { id: string; body: string; conversationId: string; createdAt: string };
  conversationId: string;
}
interface SearchPage {
  items: Hit[];
  nextCursor: string | null;
}
interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { field?: string; message: string }[];
  requestId: string;
}

const ROUTE = '/api/v1/search/messages';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const q = (text: string) => `q=${encodeURIComponent(text)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw query string, sent as it is (so a test can put any bytes in it). */
const search = (t: TestApp, who: SignedIn | null, query: string) =>
  t.request('GET', `${ROUTE}?${query}`, { headers: who ? bearer(who.accessToken) : {} });

/** The body of every message found, most recent first; fails unless the answer is a 200. */
async function found(t: TestApp, who: SignedIn, query: string): Promise<string[]> {
  return expectStatus<SearchPage>(await search(t, who, query), 200).items.map((hit) => hit.message.body);
}

/** The error body, checked for the one error shape and the status. */
function failed(response: HttpResponse, status: number): ErrorBody {
  const body = expectStatus<ErrorBody>(response, status);
  expect(body).toEqual(
    expect.objectContaining({
      statusCode: status,
      code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
      message: expect.any(String),
      requestId: expect.any(String),
    }),
  );
  return body;
}

/** The fields a 400 names; fails unless it is a 400 VALIDATION_FAILED. */
function refusedFields(response: HttpResponse): string[] {
  const body = failed(response, 400);
  expect(body.code).toBe('VALIDATION_FAILED');
  return (body.details ?? []).map((detail) => detail.field ?? '');
}

/** An answer that is no 5xx: a 4xx in the error shape, or a page. */
function not5xx(response: HttpResponse): { status: number; items?: string[] } {
  if (response.status >= 500) throw new Error(`got ${response.status}: ${response.text}`);
  if (response.status >= 400) {
    failed(response, response.status);
    return { status: response.status };
  }
  expect(response.status).toBe(200);
  return { status: 200, items: response.json<SearchPage>().items.map((hit) => hit.message.body) };
}

describe('message search under attack', () => {
  let one: TestApp;
  let two: TestApp;
  let ann: SignedIn;
  let bob: SignedIn;
  let eve: SignedIn;
  /** Ann and Bob's group holding the texts the query tests look for; Eve belongs to nothing of theirs. */
  let lexicon: string;
  const sent = new Map<string, string>();

  const group = async (owner: SignedIn, members: SignedIn[], title = 'search') =>
    expectStatus<{ id: string }>(await chat(one, owner).createGroup(title, members), 201).id;
  const send = async (who: SignedIn, conversationId: string, body: string) =>
    expectStatus<{ id: string }>(await chat(one, who).send(conversationId, body), 201).id;
  /** What Ann finds in the lexicon group only, so other tests' messages never get in the way. */
  const inLexicon = (text: string) => found(one, ann, `${q(text)}&conversationId=${lexicon}&limit=100`);

  const LEXICON = [
    '100%',
    '1000',
    '%%% sale',
    'a_b',
    'axb',
    'a%b literally',
    'back\\slash',
    "'; DROP TABLE messages; --",
    'ok then',
    'okay',
    'not ok',
    'nothing here',
    'hello world',
    'café au lait',
    'cafe\u0301 noir',
    'Ｆｕｌｌ width',
    '\u200Fשלום\u200F עולם',
    'family 👨\u200D👩\u200D👧 dinner',
    '東京タワーへ行く',
    '서울특별시',
    'tab\u3000separated',
  ];

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      SEARCHES_PER_MINUTE_PER_USER: 100_000,
      MESSAGES_PER_MINUTE_PER_USER: 10_000,
    });
    [ann, bob, eve] = [await register(one), await register(one), await register(one)];
    lexicon = await group(ann, [bob], 'lexicon');
    for (const body of LEXICON) sent.set(body, await send(ann, lexicon, body));
  }, 60_000);
  afterAll(() => Promise.all([one?.close(), two?.close()]));

  describe('injection', () => {
    it.each([
      ['100%', ['100%']],
      ['00%', ['100%']],
      ['%%%', ['%%% sale']],
      ['a_b', ['a_b']],
      ['a%b', ['a%b literally']],
      ['_%_', []],
      ['%_%', []],
      ['k\\s', ['back\\slash']],
      ['\\\\\\', []],
      ['\\%\\_', []],
    ])('matches LIKE metacharacters only as literal text: %j', async (text, expected) => {
      expect(await inLexicon(text)).toEqual(expected);
    });

    it('never lets a two-character query of metacharacters match everything', async () => {
      for (const text of ['%%', '__', '%_', '\\\\', '\\%']) {
        expect({ text, found: await inLexicon(text) }).toEqual({ text, found: [] });
      }
    });

    it.each(['!', '&', '|', ':*', "'", "''", '\\', '(', ')', '!(', '<->', '&!', "':*"])(
      'takes tsquery syntax in a short word as nothing more than text: ok %j',
      async (syntax) => {
        // Punctuation is not a word of any body, so beside "ok" it neither errors nor widens the match.
        const alone = syntax.length >= 3 ? [] : await inLexicon('ok');
        expect(await inLexicon(`ok ${syntax}`)).toEqual(alone);
        // Stuck to the word, it makes a substring of three or more that no message holds.
        expect(await inLexicon(`${syntax}ok`)).toEqual([]);
      },
    );

    it.each(['!!', '||', '&&', "''", '()', ':*', '\\\\', '<>', '!&', '|!'])(
      'finds nothing for a short query of tsquery syntax alone: %j',
      async (syntax) => {
        expect(await inLexicon(syntax)).toEqual([]);
      },
    );

    it('finds the prefix words of "ok" and no more', async () => {
      expect((await inLexicon('ok')).sort()).toEqual(['not ok', 'ok then', 'okay']);
      expect((await inLexicon('no')).sort()).toEqual(['cafe\u0301 noir', 'not ok', 'nothing here']);
    });

    it('treats SQL as text: it finds the message that holds it, and every table is still there', async () => {
      expect(await inLexicon('DROP TABLE messages;')).toEqual(["'; DROP TABLE messages; --"]);
      for (const text of [
        "' OR '1'='1",
        "1' OR 1=1 --",
        "x'); DELETE FROM messages; --",
        'UNION SELECT password_hash',
      ]) {
        expect({ text, answer: not5xx(await search(one, ann, q(text))) }).toEqual({
          text,
          answer: { status: 200, items: [] },
        });
      }
      expect((await inLexicon('okay')).length).toBe(1);
      expect(await found(one, ann, `${q('100%')}&conversationId=${lexicon}`)).toEqual(['100%']);
    });

    it('finds a message by its whole text even when some of its short words are only punctuation', async () => {
      // The SQL message typed in full, and a word followed by a spaced "!": the punctuation-only
      // words carry no word to match, and must not make the long words match nothing.
      expect(await inLexicon("'; DROP TABLE messages; --")).toEqual(["'; DROP TABLE messages; --"]);
      expect(await inLexicon('okay !')).toEqual(['okay']);
      expect(await inLexicon('hello world !!')).toEqual(['hello world']);
    });
  });

  describe('encoding', () => {
    it('refuses a NUL in q, wherever it sits, with 400 naming q', async () => {
      for (const raw of ['%00', 'ab%00', '%00ab', 'a%00b%00c', `${'a'.repeat(10)}%00`]) {
        expect({ raw, fields: refusedFields(await search(one, ann, `q=${raw}`)) }).toEqual({ raw, fields: ['q'] });
      }
    });

    it.each([
      ['a UTF-8 encoded lone high surrogate', '%ED%A0%80%ED%A0%80'],
      ['a lone low surrogate', 'ab%ED%B0%80'],
      ['a byte that is never UTF-8', '%FF%FF'],
      ['an overlong slash', '%C0%AFab'],
      ['a truncated sequence', 'ab%E2%82'],
      ['a bare percent', 'ab%'],
      ['a percent before non-hex', '%zzab'],
    ])('answers %s with a 4xx or a search of the literal text, never a 500', async (_, raw) => {
      const answer = not5xx(await search(one, ann, `q=${raw}&conversationId=${lexicon}`));
      // Kept undecoded, the text is searched as it came: nothing in the lexicon holds it.
      if (answer.status === 200) expect(answer.items).toEqual([]);
      else expect(answer.status).toBeGreaterThanOrEqual(400);
    });

    it('accepts a q of exactly 200 four-byte emoji and refuses 201', async () => {
      const id = await group(ann, [bob], 'emoji');
      const body = '😀'.repeat(200);
      await send(ann, id, body);
      expect(await found(one, ann, `${q(body)}&conversationId=${id}`)).toEqual([body]);
      expect(refusedFields(await search(one, ann, q('😀'.repeat(201))))).toEqual(['q']);
      // Emoji with variation selectors are two code points each, as PostgreSQL counts them.
      expect(not5xx(await search(one, ann, q('\u2764\uFE0F'.repeat(100)))).status).toBe(200);
      expect(refusedFields(await search(one, ann, q(`${'\u2764\uFE0F'.repeat(100)}x`)))).toEqual(['q']);
      expect(refusedFields(await search(one, ann, q('x'.repeat(201))))).toEqual(['q']);
    });

    it('counts the ideographic space and other Unicode spaces as spaces', async () => {
      for (const blank of [
        '\u3000\u3000',
        '\u3000 \u3000',
        '\u00A0\u00A0',
        '\u2003\u2003',
        '\u3000a\u3000',
        ' \t\n ',
      ]) {
        expect({ blank, fields: refusedFields(await search(one, ann, q(blank))) }).toEqual({ blank, fields: ['q'] });
      }
      // Between words it separates them, as a space does.
      expect(await inLexicon('tab\u3000separated')).toEqual(['tab\u3000separated']);
      expect(await inLexicon('ok\u3000then')).toEqual(['ok then']);
    });

    it('folds full-width forms and accents on both sides', async () => {
      expect(await inLexicon('ＯＫ')).toEqual(expect.arrayContaining(['okay', 'ok then']));
      expect(await inLexicon('full')).toEqual(['Ｆｕｌｌ width']);
      expect(await inLexicon('ＨＥＬＬＯ')).toEqual(['hello world']);
      // é precomposed and e + combining acute find each other, and plain e finds both.
      expect((await inLexicon('café')).sort()).toEqual(['cafe\u0301 noir', 'café au lait']);
      expect((await inLexicon('cafe\u0301')).sort()).toEqual(['cafe\u0301 noir', 'café au lait']);
      expect((await inLexicon('cafe')).sort()).toEqual(['cafe\u0301 noir', 'café au lait']);
    });

    it('finds nothing, rather than every message, for a query of three combining marks', async () => {
      // They fold to nothing: as a substring, nothing is in every message.
      const marks = not5xx(await search(one, ann, `${q('\u0301\u0301\u0301')}&conversationId=${lexicon}`));
      expect(marks.status === 400 ? [] : marks.items).toEqual([]);
    });

    it('takes a letter with two combining marks as a one-letter prefix, not a letter anywhere', async () => {
      // "e" and two marks folds to the one-letter word "e": it starts no word of "hello world".
      const letter = not5xx(await search(one, ann, `${q('e\u0301\u0301')}&conversationId=${lexicon}`));
      expect(letter.items ?? []).not.toContain('hello world');
    });

    it('searches text with right-to-left marks, zero-width joiners and CJK without error', async () => {
      expect(await inLexicon('שלום')).toEqual(['\u200Fשלום\u200F עולם']);
      expect(await inLexicon('\u200Fשלום')).toEqual(['\u200Fשלום\u200F עולם']);
      expect(await inLexicon('👨\u200D👩\u200D👧')).toEqual(['family 👨\u200D👩\u200D👧 dinner']);
      expect(await inLexicon('タワー')).toEqual(['東京タワーへ行く']);
      expect(await inLexicon('東京')).toEqual(['東京タワーへ行く']);
      expect(await inLexicon('특별')).toEqual(['서울특별시']);
      for (const odd of [
        '\u202Eokay',
        'ok\u200D',
        '\uFEFFok',
        'a\u0336\u0337\u0338b',
        '\uFFFD\uFFFD',
        '\u2066ok\u2069',
      ]) {
        not5xx(await search(one, ann, `${q(odd)}&conversationId=${lexicon}`));
      }
      // Zero-width spaces are no word: they find nothing rather than everything.
      const zeroWidth = not5xx(await search(one, ann, `${q('\u200B\u200B')}&conversationId=${lexicon}`));
      expect(zeroWidth.items ?? []).toEqual([]);
    });
  });

  describe('shape of the request', () => {
    it.each([
      ['no q', '', ['q']],
      ['an empty q', 'q=', ['q']],
      ['a one-character q', 'q=a', ['q']],
      ['a one-character q padded with spaces', 'q=%20a%20', ['q']],
      ['q given twice', 'q=ab&q=cd', ['q']],
      ['q as q[]', 'q[]=ab', ['q[]', 'q']],
      ['q as q[0]', 'q[0]=ab', ['q[0]', 'q']],
      ['q as an object', 'q[a]=ab', ['q[a]', 'q']],
      ['limit 0', 'q=ab&limit=0', ['limit']],
      ['limit 101', 'q=ab&limit=101', ['limit']],
      ['limit -1', 'q=ab&limit=-1', ['limit']],
      ['limit 1.5', 'q=ab&limit=1.5', ['limit']],
      ['limit abc', 'q=ab&limit=abc', ['limit']],
      ['an empty limit', 'q=ab&limit=', ['limit']],
      ['limit twice', 'q=ab&limit=1&limit=2', ['limit']],
      ['a huge limit', `q=ab&limit=${'9'.repeat(400)}`, ['limit']],
      ['a conversationId that is not a UUID', 'q=ab&conversationId=not-a-uuid', ['conversationId']],
      ['SQL as conversationId', `q=ab&conversationId=${encodeURIComponent("' OR 1=1 --")}`, ['conversationId']],
      ['a UUID with more after it', `q=ab&conversationId=${randomUUID()}x`, ['conversationId']],
      ['an empty conversationId', 'q=ab&conversationId=', ['conversationId']],
      [
        'conversationId twice',
        `q=ab&conversationId=${randomUUID()}&conversationId=${randomUUID()}`,
        ['conversationId'],
      ],
      ['a NUL in conversationId', `q=ab&conversationId=${randomUUID()}%00`, ['conversationId']],
      ['an unknown parameter', 'q=ab&sort=asc', ['sort']],
      ['too many words', `${q('aa bb cc dd ee ff gg hh ii jj kk')}`, ['q']],
    ])('refuses %s with 400 naming it', async (_, query, fields) => {
      expect([...new Set(refusedFields(await search(one, ann, query)))].sort()).toEqual([...fields].sort());
    });

    it('pollutes no prototype with keys of the query string', async () => {
      for (const query of [
        'q=ab&__proto__=x',
        'q=ab&__proto__[polluted]=1',
        'q=ab&constructor[prototype][polluted]=1',
      ]) {
        // Dropped or refused, as long as nothing is set on every object of the process the app runs in.
        expect({ query, status: not5xx(await search(one, ann, query)).status }).toEqual({
          query,
          status: expect.any(Number),
        });
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('x');
    });

    it('refuses a URL past what the server takes with a 4xx, never a 500', async () => {
      for (const size of [8_000, 17_000, 64_000, 100_000]) {
        const response = await search(one, ann, `q=${'a'.repeat(size)}`).catch((error: Error) => error);
        // Node answers 431 on its own for a request line past its header limit; below it, the 200
        // characters of q are what refuses it.
        if (response instanceof Error) throw new Error(`${size}: ${response.message}`);
        expect({ size, status: response.status }).toEqual({ size, status: size < 16_000 ? 400 : 431 });
      }
      const response = await search(one, ann, `q=ab&pad=${'x'.repeat(20_000)}`);
      expect(response.status).toBe(431);
      // The same app still answers afterwards.
      expect(await inLexicon('okay')).toEqual(['okay']);
    });
  });

  describe('crafted cursors', () => {
    const time = '2026-06-01T00:00:00.000Z';
    it.each([
      ['garbage', '!!!not-a-cursor!!!'],
      ['base64 of text', Buffer.from('hello there').toString('base64url')],
      ['base64 of half a JSON object', Buffer.from('{"createdAt":').toString('base64url')],
      ['JSON null', b64(null)],
      ['a JSON array', b64([time, randomUUID()])],
      ['a JSON string', b64('cursor')],
      ['a number for createdAt', b64({ createdAt: 1e12, id: randomUUID() })],
      ['a number for id', b64({ createdAt: time, id: 42 })],
      ['no id', b64({ createdAt: time })],
      ['no createdAt', b64({ id: randomUUID() })],
      ['SQL as the id', b64({ createdAt: time, id: "'; DROP TABLE messages; --" })],
      ['SQL as the time', b64({ createdAt: "2026-01-01' OR '1'='1", id: randomUUID() })],
      ['a time without its zone', b64({ createdAt: '2026-06-01T00:00:00.000', id: randomUUID() })],
      ['February 31', b64({ createdAt: '2026-02-31T00:00:00.000Z', id: randomUUID() })],
      ['a time past any year PostgreSQL holds', b64({ createdAt: '+275760-09-13T00:00:00.000Z', id: randomUUID() })],
      ['a NUL in the id', b64({ createdAt: time, id: `${randomUUID()}\u0000` })],
      [
        'a prototype key',
        Buffer.from(`{"__proto__":{"x":1},"createdAt":"${time}","id":"${randomUUID()}"}`).toString('base64url'),
      ],
      ['a cursor past 512 characters', 'a'.repeat(513)],
    ])('refuses %s with 400 naming cursor', async (_, cursor) => {
      expect(refusedFields(await search(one, ann, `q=ok&cursor=${encodeURIComponent(cursor)}`))).toEqual(['cursor']);
    });

    it('answers the year 0 (which PostgreSQL cannot hold) with a 400, not a 500', async () => {
      const cursor = b64({ createdAt: '0000-01-01T00:00:00.000Z', id: randomUUID() });
      failed(await search(one, ann, `q=ok&cursor=${cursor}`), 400);
    });

    it('positions by a far-future or far-past time as a real time', async () => {
      const all = await inLexicon('ok');
      expect(all).toHaveLength(3);
      const at = (createdAt: string) => b64({ createdAt, id: randomUUID() });
      for (const future of ['9999-12-31T23:59:59.999Z', '2999-01-01T00:00:00.000Z']) {
        expect(await found(one, ann, `q=ok&conversationId=${lexicon}&cursor=${at(future)}`)).toEqual(all);
      }
      for (const past of ['0001-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']) {
        expect(await found(one, ann, `q=ok&conversationId=${lexicon}&cursor=${at(past)}`)).toEqual([]);
      }
    });

    it('pages through every match exactly once, in order', async () => {
      const all = await found(one, ann, `q=ok&conversationId=${lexicon}&limit=100`);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: SearchPage = expectStatus<SearchPage>(
          await search(two, ann, `q=ok&conversationId=${lexicon}&limit=1${cursor ? `&cursor=${cursor}` : ''}`),
          200,
        );
        paged.push(...page.items.map((hit) => hit.message.body));
        cursor = page.nextCursor;
      } while (cursor && paged.length <= all.length);
      expect(paged).toEqual(all);
    });

    it("takes another user's cursor only as a position within the caller's own results", async () => {
      // Bob's own group with Eve, where Ann is not: his cursor points at a message Ann may not read.
      const secret = await group(bob, [eve], 'secret');
      // Apart in time, so the order does not hang on ids.
      for (let i = 0; i < 3; i += 1) {
        await send(bob, secret, `cursortoken secret ${i}`);
        await sleep(5);
      }
      await send(ann, lexicon, 'cursortoken ann only');
      const bobs = expectStatus<SearchPage>(await search(one, bob, 'q=cursortoken&limit=1'), 200);
      expect(bobs.items.map((hit) => hit.message.body)).toEqual(['cursortoken ann only']);
      const next = expectStatus<SearchPage>(
        await search(one, bob, `q=cursortoken&limit=1&cursor=${bobs.nextCursor}`),
        200,
      );
      expect(next.items.map((hit) => hit.message.body)).toEqual(['cursortoken secret 2']);
      // Ann, with the cursor at Bob's secret message: none of that group, only hers before it (nothing).
      const annsPage = expectStatus<SearchPage>(await search(one, ann, `q=cursortoken&cursor=${next.nextCursor}`), 200);
      expect(annsPage).toEqual({ items: [], nextCursor: null });
      // And Eve, with Bob's first cursor: the secret group's messages she may read, none of Ann's.
      expect(await found(one, eve, `q=cursortoken&cursor=${bobs.nextCursor}`)).toEqual([
        'cursortoken secret 2',
        'cursortoken secret 1',
        'cursortoken secret 0',
      ]);
      expect(await found(one, ann, 'q=cursortoken')).toEqual(['cursortoken ann only']);
    });
  });

  describe('authorization', () => {
    const TEST_SECRET_BAD = 'not-the-secret-at-all-but-long-enough-to-pass';
    const forged = () => {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const data = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: ann.user.id, exp: 4_102_444_800 })}`;
      return `${data}.${createHmac('sha256', TEST_SECRET_BAD).update(data).digest('base64url')}`;
    };

    it('refuses no token, a bad token, a forged token and other schemes with 401', async () => {
      failed(await search(one, null, 'q=okay'), 401);
      for (const authorization of [
        'Bearer',
        'Bearer garbage',
        `Bearer ${forged()}`,
        `Basic ${ann.accessToken}`,
        ann.accessToken,
      ]) {
        const response = await one.request('GET', `${ROUTE}?q=okay`, { headers: { authorization } });
        expect({ authorization, code: failed(response, 401).code }).toEqual({ authorization, code: 'UNAUTHORIZED' });
      }
      // Even a malformed query: authentication is checked first, and says nothing of the query.
      expect(failed(await search(one, null, 'q=%00'), 401).code).toBe('UNAUTHORIZED');
    });

    it('answers an outsider the same 404 for a group they are not in and for a UUID that is nothing', async () => {
      const strip = ({ statusCode, code, message, details }: ErrorBody) => ({ statusCode, code, message, details });
      const group404 = failed(await search(one, eve, `q=okay&conversationId=${lexicon}`), 404);
      const random404 = failed(await search(one, eve, `q=okay&conversationId=${randomUUID()}`), 404);
      expect(strip(group404)).toEqual(strip(random404));
      expect(group404.code).toBe('CONVERSATION_NOT_FOUND');
      // The same through the second instance; and with a malformed cursor, the cursor is refused for both alike.
      expect(strip(failed(await search(two, eve, `q=okay&conversationId=${lexicon}`), 404))).toEqual(strip(random404));
      const badCursor = (id: string) => search(one, eve, `q=okay&conversationId=${id}&cursor=${b64({ id: 1 })}`);
      expect(strip(failed(await badCursor(lexicon), 400))).toEqual(strip(failed(await badCursor(randomUUID()), 400)));
      expect(await found(one, eve, 'q=okay')).toEqual([]);
      expect(await found(one, eve, `${q('DROP TABLE')}`)).toEqual([]);
    });

    it('answers 404 for a conversation id written in upper case once the caller is no longer a member', async () => {
      const [owner, member] = [await register(one), await register(one)];
      const id = await group(owner, [member]);
      await send(owner, id, 'casetoken before');
      const upper = id.toUpperCase();
      expect(await found(one, member, `q=casetoken&conversationId=${upper}`)).toEqual(['casetoken before']);
      expectStatus(await chat(one, owner).call('DELETE', `/${id}/members/${member.user.id}`), 204);
      await send(owner, id, 'casetoken after');
      expect(await found(one, member, 'q=casetoken')).toEqual([]);
      failed(await search(one, member, `q=casetoken&conversationId=${id}`), 404);
      // The id in another case is the same conversation: it must not answer from what was cached under it.
      failed(await search(one, member, `q=casetoken&conversationId=${upper}`), 404);
    });

    it('shows a message request to its recipient only once accepted, and never once declined', async () => {
      const [sender, recipient, decliner] = [await register(one), await register(one), await register(one)];
      const request = expectStatus<{ id: string }>(await chat(one, sender).openDirect(recipient), 201).id;
      await send(sender, request, 'requesttoken hello there');
      expect(await found(one, sender, 'q=requesttoken')).toEqual(['requesttoken hello there']);
      expect(await found(one, recipient, 'q=requesttoken')).toEqual([]);
      // A pending recipient is a member: the conversation exists for them, it only finds nothing yet.
      expect(
        expectStatus<SearchPage>(await search(one, recipient, `q=requesttoken&conversationId=${request}`), 200),
      ).toEqual({
        items: [],
        nextCursor: null,
      });
      expectStatus(await chat(one, recipient).call('POST', `/${request}/accept`), 200);
      expect(await found(two, recipient, 'q=requesttoken')).toEqual(['requesttoken hello there']);

      const declined = expectStatus<{ id: string }>(await chat(one, sender).openDirect(decliner), 201).id;
      await send(sender, declined, 'declinetoken hello');
      expectStatus(await chat(one, decliner).call('POST', `/${declined}/decline`), 204);
      expect(await found(one, decliner, 'q=declinetoken')).toEqual([]);
      expect(await found(two, decliner, `q=declinetoken&conversationId=${declined}`)).toEqual([]);
    });

    it('finds nothing of a group, old or new, for a removed member or one who left', async () => {
      const [owner, removed, leaver] = [await register(one), await register(one), await register(one)];
      const id = await group(owner, [removed, leaver]);
      await send(owner, id, 'membertoken old');
      await send(removed, id, 'membertoken from the removed');
      for (const who of [removed, leaver]) expect(await found(one, who, 'q=membertoken')).toHaveLength(2);
      expectStatus(await chat(one, owner).call('DELETE', `/${id}/members/${removed.user.id}`), 204);
      expectStatus(await chat(one, leaver).call('DELETE', `/${id}/members/${leaver.user.id}`), 204);
      await send(owner, id, 'membertoken new');
      for (const t of [one, two]) {
        for (const who of [removed, leaver]) {
          expect(await found(t, who, 'q=membertoken')).toEqual([]);
          failed(await search(t, who, `q=membertoken&conversationId=${id}`), 404);
        }
      }
      expect(await found(one, owner, 'q=membertoken')).toHaveLength(3);
    });

    it('finds nothing new for a member removed on one instance while the other has their membership cached', async () => {
      const [owner, member] = [await register(one), await register(one)];
      const id = await group(owner, [member]);
      await send(owner, id, 'staletoken old');
      // Instance two has loaded the conversation and the membership.
      expect(await found(two, member, `q=staletoken&conversationId=${id}`)).toEqual(['staletoken old']);
      expectStatus(await chat(one, owner).call('DELETE', `/${id}/members/${member.user.id}`), 204);
      await send(owner, id, 'staletoken new');
      const scoped = not5xx(await search(two, member, `q=staletoken&conversationId=${id}`));
      expect(scoped.status === 404 || scoped.items?.length === 0).toBe(true);
      expect(await found(two, member, 'q=staletoken')).toEqual([]);
    });

    it("respects the caller's hide point, and only theirs", async () => {
      const [owner, hider] = [await register(one), await register(one)];
      const id = await group(owner, [hider]);
      await send(owner, id, 'hidetoken before');
      expectStatus(await chat(one, hider).call('DELETE', `/${id}`), 204);
      expect(await found(two, hider, 'q=hidetoken')).toEqual([]);
      await send(owner, id, 'hidetoken after');
      expect(await found(two, hider, 'q=hidetoken')).toEqual(['hidetoken after']);
      expect(await found(two, hider, `q=hidetoken&conversationId=${id}&limit=100`)).toEqual(['hidetoken after']);
      expect(await found(two, owner, 'q=hidetoken')).toEqual(['hidetoken after', 'hidetoken before']);
    });

    it('never finds a deleted message, and finds an edited one by its new text only', async () => {
      const id = await group(ann, [bob], 'edits');
      const edited = await send(ann, id, 'edittoken original wording');
      const deleted = await send(ann, id, 'edittoken to be deleted');
      expectStatus(
        await chat(one, ann).call('PATCH', `/${id}/messages/${edited}`, { body: 'edittoken rewritten' }),
        200,
      );
      expectStatus(await chat(one, ann).call('DELETE', `/${id}/messages/${deleted}`), 204);
      for (const who of [ann, bob]) {
        expect(await found(two, who, 'q=edittoken')).toEqual(['edittoken rewritten']);
        expect(await found(two, who, q('original wording'))).toEqual([]);
        expect(await found(two, who, q('deleted'))).toEqual([]);
      }
    });
  });

  describe('races', () => {
    it('never returns, to searches racing a removal, messages sent after the removal committed', async () => {
      const [owner, member] = [await register(one), await register(one)];
      const id = await group(owner, [member]);
      for (let i = 0; i < 3; i += 1) await send(owner, id, `racetoken before ${i}`);
      let stop = false;
      const seen: string[] = [];
      const searcher = async (t: TestApp, scoped: boolean) => {
        while (!stop) {
          const answer = not5xx(
            await search(t, member, `q=racetoken&limit=100${scoped ? `&conversationId=${id}` : ''}`),
          );
          if (answer.status !== 404) expect(answer.status).toBe(200);
          seen.push(...(answer.items ?? []));
        }
      };
      const workers = [searcher(one, false), searcher(two, false), searcher(one, true), searcher(two, true)];
      await sleep(30);
      expectStatus(await chat(one, owner).call('DELETE', `/${id}/members/${member.user.id}`), 204);
      for (let i = 0; i < 5; i += 1) await send(owner, id, `racetoken after ${i}`);
      await sleep(30);
      stop = true;
      await Promise.all(workers);
      expect(seen.filter((body) => body.includes('after'))).toEqual([]);
      expect(seen.length).toBeGreaterThan(0);
      for (const t of [one, two]) expect(await found(t, member, 'q=racetoken')).toEqual([]);
    }, 60_000);

    it('answers 50 concurrent searches from one user, each with a page', async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          search(i % 2 ? one : two, ann, `${q(i % 3 ? 'okay' : 'ok then')}&limit=5`),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    }, 60_000);

    it('answers 50 concurrent searches past the per-user limit with 200 or 429, never a 500', async () => {
      const limited = await startTestApp({ SEARCHES_PER_MINUTE_PER_USER: 10 });
      try {
        const caller = await register(limited);
        const answers = await Promise.all(Array.from({ length: 50 }, () => search(limited, caller, 'q=okay')));
        const statuses = answers.map((answer) => answer.status);
        expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
        expect(statuses.filter((status) => status === 200)).toHaveLength(10);
        for (const answer of answers.filter((response) => response.status === 429)) {
          expect(failed(answer, 429).code).toBe('RATE_LIMITED');
        }
      } finally {
        await limited.close();
      }
    }, 60_000);
  });

  describe('heavy queries', () => {
    let heavy: string;
    const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

    beforeAll(async () => {
      heavy = await group(ann, [bob], 'heavy');
      const bodies = Array.from({ length: 200 }, (_, i) =>
        i === 0
          ? WORDS.join(' ')
          : `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} ${'a'.repeat(1 + (i % 50))} ${String.fromCharCode(97 + (i % 26))}x ${i}%_`,
      );
      for (let i = 0; i < bodies.length; i += 20) {
        await Promise.all(bodies.slice(i, i + 20).map((body) => chat(one, ann).send(heavy, body)));
      }
      await send(ann, heavy, 'a'.repeat(400));
    }, 120_000);

    const inHeavy = (text: string, extra = '') =>
      search(one, ann, `${q(text)}&conversationId=${heavy}&limit=100${extra}`);

    it('answers ten long words, all of which one message holds', async () => {
      expect(await found(one, ann, `${q(WORDS.join(' '))}&conversationId=${heavy}`)).toEqual([WORDS.join(' ')]);
      expect(not5xx(await search(one, ann, q(WORDS.join(' ')))).status).toBe(200);
    }, 60_000);

    it('answers ten one-letter words', async () => {
      const answer = not5xx(await inHeavy('a b c d e f g h i j'));
      expect(answer.items).toContain(WORDS.join(' '));
      // Every message found has a word starting with each letter.
      for (const body of answer.items ?? []) {
        for (const letter of 'abcdefghij') {
          expect({ body, letter, has: new RegExp(`(^|[^a-z])${letter}`, 'i').test(body) }).toEqual({
            body,
            letter,
            has: true,
          });
        }
      }
    }, 60_000);

    it('answers 200 of one letter, and a pattern of LIKE wildcards, as literal text', async () => {
      expect(await found(one, ann, `${q('a'.repeat(200))}&conversationId=${heavy}`)).toEqual(['a'.repeat(400)]);
      expect(not5xx(await search(one, ann, q('a'.repeat(200)))).status).toBe(200);
      // One word of 200 wildcards, or the same two-character word 66 times (which is one word).
      for (const pattern of ['%_'.repeat(100), '_'.repeat(200), '%'.repeat(200), '\\%'.repeat(100), '%_ '.repeat(66)]) {
        const answer = not5xx(await inHeavy(pattern));
        expect({ pattern: pattern.slice(0, 12), answer }).toEqual({
          pattern: pattern.slice(0, 12),
          answer: { status: 200, items: [] },
        });
      }
      // The literal "%_" a message holds is found by it, and only those messages.
      const literal = await found(one, ann, `${q('%_')}&conversationId=${heavy}`);
      expect(literal).toEqual([]);
      const withPercent = await found(one, ann, `${q('0%_')}&conversationId=${heavy}&limit=100`);
      expect(withPercent.length).toBeGreaterThan(0);
      expect(withPercent.every((body) => body.includes('0%_'))).toBe(true);
    }, 60_000);

    it('refuses more than ten words, however short, with 400 naming q', async () => {
      const twoLetters = Array.from(
        { length: 100 },
        (_, i) => `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
      );
      // A hundred two-letter words pass 200 characters; sixty-six of them fit and are still too many words.
      expect(refusedFields(await search(one, ann, q(twoLetters.join(' '))))).toEqual(['q']);
      expect(refusedFields(await search(one, ann, q(twoLetters.slice(0, 66).join(' '))))).toEqual(['q']);
      expect(refusedFields(await search(one, ann, q([...WORDS, 'kilo'].join(' '))))).toEqual(['q']);
      // The same word repeated is one word.
      expect(not5xx(await search(one, ann, q('ab '.repeat(66)))).status).toBe(200);
    });
  });
});
