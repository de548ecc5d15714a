import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { UploadSweep } from '#src/uploads/upload-sweep.service.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, type HttpResponse, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { absolute, download, image, uploads, type Declared } from '../support/upload-client.js';

/*
 * The uploads API as an attacker sees it, through the real app on the local storage: declarations
 * it refuses, uploads a caller cannot touch, files that pretend to be something else, attachments
 * that are not the sender's to attach, racing completions, the sweep against a send, and links
 * used beyond what they were given for.
 */

interface ErrorBody {
  code: string;
  details?: { field: string; message: string }[];
}
interface UploadView {
  id: string;
  status: string;
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
}
interface Links {
  url: string;
  thumbnailUrl?: string;
  expiresAt: string;
}

const dir = mkdtempSync(join(tmpdir(), 'uploads-attacks-'));
let app: TestApp;
let db: pg.Client;

beforeAll(async () => {
  app = await startTestApp({ STORAGE_DRIVER: 'local', STORAGE_DIR: dir, UPLOADS_PER_MINUTE_PER_USER: 1000 });
  db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
});

afterAll(async () => {
  await app?.close();
  await db?.end();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file the storage holds, as paths under its directory. */
const stored = (): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    : [];
const storedOf = (id: string) => stored().filter((path) => path.includes(id));

/** A raw declaration: any JSON text, or any value sent as JSON. */
const declareRaw = (who: SignedIn, body: unknown) =>
  app.request('POST', '/api/v1/uploads', {
    headers: { authorization: `Bearer ${who.accessToken}`, 'content-type': 'application/json' },
    body,
  });

/** The fields a 400 names; fails unless it is a 400 VALIDATION_FAILED. */
function refusedFields(response: HttpResponse): string[] {
  const body = expectStatus<ErrorBody>(response, 400);
  expect(body.code).toBe('VALIDATION_FAILED');
  return (body.details ?? []).map((detail) => detail.field);
}

const statusOf = async (id: string) =>
  (await db.query<{ status: string }>('SELECT status FROM uploads WHERE id = $1', [id])).rows[0]?.status;

const declared = async (who: SignedIn, name: string, mimeType: string, size: number) =>
  expectStatus<Declared>(await uploads(app, who).declare(name, mimeType, size), 201);

const text = (value: string) => Buffer.from(value, 'utf8');

describe('declaring an upload', () => {
  let ann: SignedIn;
  beforeAll(async () => {
    ann = await register(app);
  });
  const good = { name: 'notes.txt', mimeType: 'text/plain', size: 10 };

  it('refuses each missing field by name', async () => {
    expect(refusedFields(await declareRaw(ann, {}))).toEqual(expect.arrayContaining(['name', 'mimeType', 'size']));
    for (const field of ['name', 'mimeType', 'size'] as const) {
      const rest: Record<string, unknown> = { ...good };
      delete rest[field];
      expect(new Set(refusedFields(await declareRaw(ann, rest)))).toEqual(new Set([field]));
    }
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'a'.repeat(252) + '.txt'],
    ['a slash', '../../etc/passwd'],
    ['a backslash', '..\\..\\boot.ini'],
    ['a newline', 'report\n.txt'],
    ['a carriage return', 'report\r.txt'],
    ['another control character', 'bell\u0007.txt'],
  ])('refuses a name that is %s, naming it', async (_what, name) => {
    expect(refusedFields(await declareRaw(ann, { ...good, name }))).toContain('name');
  });

  it('refuses a NUL in the name before it reaches the database (the body parser names the body)', async () => {
    const fields = refusedFields(await declareRaw(ann, { ...good, name: 'evil\u0000.txt' }));
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((field) => ['body', 'name'].includes(field))).toBe(true);
  });

  it('takes a 255-character name', async () => {
    expectStatus(await declareRaw(ann, { ...good, name: 'a'.repeat(251) + '.txt' }), 201);
  });

  it.each(['text', 'text/', '/plain', 'text/plain/extra', 'text plain', '', 'a'.repeat(128) + '/x', 42])(
    'refuses the mimeType %p, naming it',
    async (mimeType) => {
      expect(refusedFields(await declareRaw(ann, { ...good, mimeType }))).toContain('mimeType');
    },
  );

  it.each([0, -1, 1.5, '10', null, true, [10], { n: 10 }, Number.NaN])(
    'refuses the size %p, naming it',
    async (size) => {
      expect(refusedFields(await declareRaw(ann, { ...good, size }))).toContain('size');
    },
  );

  it.each([2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e300])(
    'answers a size of %p over UPLOAD_MAX_BYTES with 400 or 413, never 500',
    async (size) => {
      const response = await declareRaw(ann, { ...good, size });
      expect([400, 413]).toContain(response.status);
      if (response.status === 400) expect(refusedFields(response)).toContain('size');
      else expect(response.json<ErrorBody>().code).toBe('PAYLOAD_TOO_LARGE');
    },
  );

  it('refuses a size the uploads table cannot hold, even when UPLOAD_MAX_BYTES allows more', async () => {
    const big = await startTestApp({ STORAGE_DRIVER: 'local', STORAGE_DIR: dir, UPLOAD_MAX_BYTES: 5368709120 });
    try {
      const bea = await register(big);
      for (const size of [2 ** 31, 3_000_000_000, 5368709120]) {
        const response = await big.request('POST', '/api/v1/uploads', {
          headers: { authorization: `Bearer ${bea.accessToken}` },
          body: { ...good, size },
        });
        expect(refusedFields(response)).toEqual(['size']);
      }
      const largest = await big.request('POST', '/api/v1/uploads', {
        headers: { authorization: `Bearer ${bea.accessToken}` },
        body: { ...good, size: 2 ** 31 - 1 },
      });
      expect(largest.status).toBe(201);
    } finally {
      await big.close();
    }
  });

  it('refuses extra fields, by name', async () => {
    expect(refusedFields(await declareRaw(ann, { ...good, userId: randomUUID() }))).toEqual(['userId']);
    expect(refusedFields(await declareRaw(ann, { ...good, status: 'ready', hasThumbnail: true }))).toEqual(
      expect.arrayContaining(['status', 'hasThumbnail']),
    );
  });

  it.each([
    ['an array', '[{"name":"a.txt","mimeType":"text/plain","size":1}]'],
    ['null', 'null'],
    ['a string', '"a.txt"'],
    ['a number', '1'],
    ['nothing', ''],
    ['broken JSON', '{"name":'],
  ])('refuses %s in place of the body with a 400', async (_what, body) => {
    const response = await declareRaw(ann, body);
    expect(response.status).toBe(400);
    if (body !== '' && !body.startsWith('{')) expect(refusedFields(response)).toEqual(['body']);
  });

  it.each([
    ['at the top', '{"__proto__":{"admin":true},"name":"a.txt","mimeType":"text/plain","size":1}'],
    ['nested', '{"name":"a.txt","mimeType":"text/plain","size":1,"x":{"__proto__":{"admin":true}}}'],
    ['constructor', '{"constructor":{"prototype":{"admin":true}},"name":"a.txt","mimeType":"text/plain","size":1}'],
  ])('refuses a prototype key %s with a 400, and pollutes nothing', async (_where, body) => {
    const response = await declareRaw(ann, body);
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each(['application/x-msdownload', 'text/html', 'image/svg+xml', 'application/javascript', 'Text/HTML'])(
    'refuses the type %s at declaration with 422 UPLOAD_REJECTED, before any link is given',
    async (mimeType) => {
      const response = await declareRaw(ann, { ...good, name: 'x.bin', mimeType });
      const body = expectStatus<ErrorBody & { uploadUrl?: string }>(response, 422);
      expect(body.code).toBe('UPLOAD_REJECTED');
      expect(body.uploadUrl).toBeUndefined();
    },
  );
});

describe('whose upload it is', () => {
  it('answers 401 without a token on the three upload routes', async () => {
    const id = randomUUID();
    for (const [method, path] of [
      ['POST', '/api/v1/uploads'],
      ['POST', `/api/v1/uploads/${id}/complete`],
      ['GET', `/api/v1/uploads/${id}/url`],
    ]) {
      const response = await app.request(method, path, { body: method === 'POST' ? {} : undefined });
      expect(response.status).toBe(401);
      const garbage = await app.request(method, path, { headers: { authorization: 'Bearer not.a.token' } });
      expect(garbage.status).toBe(401);
    }
  });

  it('answers 404 to someone else completing an upload, which stays pending for its owner', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const bytes = text('hello from ann\n');
    const upload = await declared(ann, 'hello.txt', 'text/plain', bytes.length);
    expect((await uploads(app, ann).put(upload, bytes)).status).toBe(204);

    const refused = await uploads(app, bob).complete(upload.id);
    expect(expectStatus<ErrorBody>(refused, 404).code).toBe('UPLOAD_NOT_FOUND');
    const none = expectStatus<ErrorBody & { message: string }>(await uploads(app, bob).complete(randomUUID()), 404);
    expect(refused.json<{ message: string }>().message).toBe(none.message);
    expect(await statusOf(upload.id)).toBe('pending');
    expect(storedOf(upload.id)).toHaveLength(1);

    const ready = expectStatus<UploadView>(await uploads(app, ann).complete(upload.id), 200);
    expect(ready).toMatchObject({ id: upload.id, status: 'ready', mimeType: 'text/plain', size: bytes.length });
  });

  it('answers 404 to someone else asking links of an unattached upload, pending or ready', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const pending = await declared(ann, 'later.txt', 'text/plain', 5);
    const ready = await uploads(app, ann).upload('ready.txt', 'text/plain', text('ready'));
    for (const id of [pending.id, ready.id]) {
      expect(expectStatus<ErrorBody>(await uploads(app, bob).links(id), 404).code).toBe('UPLOAD_NOT_FOUND');
    }
    expectStatus(await uploads(app, ann).links(ready.id), 200);
  });

  it('refuses ids that are not UUIDs with 400, never 500', async () => {
    const ann = await register(app);
    for (const id of ['1', 'not-a-uuid', `${randomUUID()}x`, "' OR 1=1 --", '%00', '..%2F..%2Fetc']) {
      expect((await uploads(app, ann).complete(id)).status).toBe(400);
      expect((await uploads(app, ann).links(id)).status).toBe(400);
    }
  });
});

describe('files that pretend to be something else', () => {
  it('keeps HTML declared as text/plain as plain text, served so that a browser never runs it', async () => {
    const ann = await register(app);
    const html = text('<html><script>alert(1)</script></html>');
    // No signature for HTML: the text rule decides, and valid UTF-8 declared text/plain passes as text/plain.
    const ready = await uploads(app, ann).upload('page.html', 'text/plain', html);
    expect(ready).toMatchObject({ mimeType: 'text/plain', hasThumbnail: false });

    const links = expectStatus<Links>(await uploads(app, ann).links(ready.id), 200);
    expect(links.thumbnailUrl).toBeUndefined();
    const served = await download(app.baseUrl, links.url);
    expect(served.status).toBe(200);
    expect(served.bytes.equals(html)).toBe(true);
    expect(served.headers.get('content-type')).toBe('text/plain');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('refuses an SVG with a script declared as image/svg+xml, and one declared as a PNG at completion', async () => {
    const ann = await register(app);
    const svg = text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');
    const response = await uploads(app, ann).declare('cat.svg', 'image/svg+xml', svg.length);
    expect(expectStatus<ErrorBody>(response, 422).code).toBe('UPLOAD_REJECTED');

    const asPng = await declared(ann, 'cat.png', 'image/png', svg.length);
    expect((await uploads(app, ann).put(asPng, svg)).status).toBe(204);
    expect(expectStatus<ErrorBody>(await uploads(app, ann).complete(asPng.id), 422).code).toBe('UPLOAD_REJECTED');
    expect(storedOf(asPng.id)).toEqual([]);
  });
});

describe('attachments', () => {
  let ann: SignedIn;
  let bob: SignedIn;
  let group: string;
  beforeAll(async () => {
    [ann, bob] = [await register(app), await register(app)];
    group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('attacks', [bob]), 201).id;
  });
  const send = (who: SignedIn, attachments: unknown[]) => chat(app, who).send(group, 'see', { attachments });

  it('names the attachment that is someone else’s, pending or rejected, wherever it is in the list', async () => {
    const mine = await uploads(app, ann).upload('mine.txt', 'text/plain', text('mine'));
    const theirs = await uploads(app, bob).upload('theirs.txt', 'text/plain', text('theirs'));
    const pending = await declared(ann, 'pending.txt', 'text/plain', 7);
    const rejected = await declared(ann, 'fake.png', 'image/png', 4);
    await uploads(app, ann).put(rejected, text('fake'));
    expectStatus(await uploads(app, ann).complete(rejected.id), 422);

    for (const uploadId of [theirs.id, pending.id, rejected.id]) {
      const response = await send(ann, [{ uploadId: mine.id }, { uploadId: mine.id }, { uploadId }]);
      expect(refusedFields(response)).toEqual(['attachments[2].uploadId']);
    }
    const { items } = expectStatus<{ items: unknown[] }>(await chat(app, ann).messages(group), 200);
    expect(items).toEqual([]);
    expect(await statusOf(theirs.id)).toBe('ready');
  });

  it('refuses { uploadId } with external fields beside it', async () => {
    const mine = await uploads(app, ann).upload('both.txt', 'text/plain', text('both'));
    const extra = { url: 'https://cdn.example.com/x.png', mimeType: 'image/png', size: 10, name: 'x.png' };
    for (const attachment of [
      { uploadId: mine.id, url: extra.url },
      { uploadId: mine.id, mimeType: extra.mimeType },
      { uploadId: mine.id, size: 10 },
    ]) {
      expect(refusedFields(await send(ann, [attachment]))[0]).toMatch(/^attachments(\[0\]|\.0)/);
    }
  });

  it('refuses 11 attachments', async () => {
    const mine = await uploads(app, ann).upload('many.txt', 'text/plain', text('many'));
    expect(
      refusedFields(
        await send(
          ann,
          Array.from({ length: 11 }, () => ({ uploadId: mine.id })),
        ),
      ),
    ).toContain('attachments');
    expectStatus(
      await send(
        ann,
        Array.from({ length: 10 }, () => ({ uploadId: mine.id })),
      ),
      201,
    );
  });

  it('stores the same upload twice in one message as two attachments, without a 500', async () => {
    const mine = await uploads(app, ann).upload('twice.txt', 'text/plain', text('twice'));
    const message = expectStatus<{ attachments: { uploadId: string }[] }>(
      await send(ann, [{ uploadId: mine.id }, { uploadId: mine.id }]),
      201,
    );
    expect(message.attachments.map((attachment) => attachment.uploadId)).toEqual([mine.id, mine.id]);
    const { rows } = await db.query('SELECT 1 FROM message_attachments WHERE upload_id = $1', [mine.id]);
    expect(rows).toHaveLength(1);
    expectStatus(await uploads(app, bob).links(mine.id), 200);
  });

  it('gives links only in the conversation a message carries it in, not in another one the uploader shares', async () => {
    const [cat, dan] = [await register(app), await register(app)];
    const x = expectStatus<{ id: string }>(await chat(app, ann).createGroup('x', [cat]), 201).id;
    const y = expectStatus<{ id: string }>(await chat(app, ann).createGroup('y', [dan]), 201).id;
    const photo = await uploads(app, ann).upload('x.png', 'image/png', await image('png', 12, 12));
    expectStatus(await chat(app, ann).send(x, 'for x', { attachments: [{ uploadId: photo.id }] }), 201);

    expectStatus(await uploads(app, cat).links(photo.id), 200);
    expect(expectStatus<ErrorBody>(await uploads(app, dan).links(photo.id), 404).code).toBe('UPLOAD_NOT_FOUND');
    // Dan cannot borrow it either: attaching is for its owner only.
    const borrowed = await chat(app, dan).send(y, 'mine now', { attachments: [{ uploadId: photo.id }] });
    expect(refusedFields(borrowed)).toEqual(['attachments[0].uploadId']);
    expect((await uploads(app, dan).links(photo.id)).status).toBe(404);

    expectStatus(await chat(app, ann).send(y, 'for y too', { attachments: [{ uploadId: photo.id }] }), 201);
    expectStatus(await uploads(app, dan).links(photo.id), 200);
  });
});

describe('racing and repeating', () => {
  it('answers 10 concurrent completions alike, with one thumbnail', async () => {
    const ann = await register(app);
    const bytes = await image('png', 400, 300);
    const upload = await declared(ann, 'race.png', 'image/png', bytes.length);
    expect((await uploads(app, ann).put(upload, bytes)).status).toBe(204);

    const answers = await Promise.all(Array.from({ length: 10 }, () => uploads(app, ann).complete(upload.id)));
    for (const answer of answers)
      expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500)).toBe(true);
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    const expected = {
      id: upload.id,
      status: 'ready',
      name: 'race.png',
      mimeType: 'image/png',
      size: bytes.length,
      width: 400,
      height: 300,
      hasThumbnail: true,
    };
    for (const answer of ok) expect(answer.json()).toEqual(expected);
    expect(storedOf(upload.id).sort()).toEqual([`thumbnails/${upload.id}`, `uploads/${upload.id}`]);
    expect(stored().filter((path) => path.startsWith('.partial'))).toEqual([]);

    expect(expectStatus<UploadView>(await uploads(app, ann).complete(upload.id), 200)).toEqual(expected);
  });

  it('keeps an upload older than a day that a message attached just before the sweep', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('sweep race', [bob]), 201).id;
    const photo = await uploads(app, ann).upload('old.png', 'image/png', await image('png', 20, 20));
    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = $1`, [photo.id]);
    expectStatus(await chat(app, ann).send(group, 'at last', { attachments: [{ uploadId: photo.id }] }), 201);

    await app.app.get(UploadSweep).sweep();
    expect(await statusOf(photo.id)).toBe('ready');
    expect(storedOf(photo.id)).toHaveLength(2);
    const links = expectStatus<Links>(await uploads(app, bob).links(photo.id), 200);
    expect((await download(app.baseUrl, links.url)).status).toBe(200);
    expect((await download(app.baseUrl, links.thumbnailUrl!)).status).toBe(200);
  });
});

describe('the upload link', () => {
  it('refuses more bytes than declared with 413, and stores nothing', async () => {
    const ann = await register(app);
    const upload = await declared(ann, 'small.txt', 'text/plain', 10);
    const response = await uploads(app, ann).put(upload, text('x'.repeat(11)));
    expect(response.status).toBe(413);
    expect(storedOf(upload.id)).toEqual([]);
    expect(stored().filter((path) => path.startsWith('.partial'))).toEqual([]);
    expect(expectStatus<ErrorBody>(await uploads(app, ann).complete(upload.id), 422).code).toBe('UPLOAD_REJECTED');
  });

  it('cannot replace the bytes completion checked: a second PUT on the link is refused', async () => {
    const ann = await register(app);
    const checked = text('harmless words\n');
    const upload = await declared(ann, 'swap.txt', 'text/plain', checked.length);
    expect((await uploads(app, ann).put(upload, checked)).status).toBe(204);
    expectStatus(await uploads(app, ann).complete(upload.id), 200);

    // Same length and type, bytes completion never saw (NUL makes them not text at all).
    const unchecked = Buffer.alloc(checked.length, 0);
    const again = await uploads(app, ann).put(upload, unchecked);
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).code).toBe('CONFLICT');
    expect(readFileSync(join(dir, 'uploads', upload.id)).equals(checked)).toBe(true);
    const links = expectStatus<Links>(await uploads(app, ann).links(upload.id), 200);
    expect((await download(app.baseUrl, links.url)).bytes.equals(checked)).toBe(true);
  });

  it('cannot replace the bytes of a pending upload either, so completion checks what is kept', async () => {
    const ann = await register(app);
    const first = await image('png', 10, 10);
    const upload = await declared(ann, 'first.png', 'image/png', first.length);
    expect((await uploads(app, ann).put(upload, first)).status).toBe(204);
    const second = await fetch(absolute(app.baseUrl, upload.uploadUrl), {
      method: 'PUT',
      headers: upload.headers,
      body: new Uint8Array(first.length),
    });
    expect(second.status).toBe(409);
    expect(stored().filter((path) => path.startsWith('.partial'))).toEqual([]);
    expect(expectStatus<UploadView>(await uploads(app, ann).complete(upload.id), 200).hasThumbnail).toBe(true);
  });
});
