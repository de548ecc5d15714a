import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { UploadSweep } from '#src/uploads/upload-sweep.service.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { download, image, uploads, type Declared } from '../support/upload-client.js';

// The whole flow against the local storage driver, in the app's own process: declare, send the
// bytes to the app's signed link, complete, attach, get links, sweep.

describe('uploads on the local storage', () => {
  let app: TestApp;
  let db: pg.Client;
  const dir = mkdtempSync(join(tmpdir(), 'uploads-'));

  beforeAll(async () => {
    app = await startTestApp({ STORAGE_DRIVER: 'local', STORAGE_DIR: dir, UPLOADS_PER_MINUTE_PER_USER: 1000 });
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await app.close();
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every file the storage holds, as paths under its directory. */
  const stored = (): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      : [];

  it.each([
    ['png', 'image/png', 640, 480],
    ['jpeg', 'image/jpeg', 1000, 500],
    ['webp', 'image/webp', 300, 200],
  ] as const)('measures a %s and makes a thumbnail of at most 320 px', async (format, mimeType, width, height) => {
    const ann = await register(app);
    const bytes = await image(format, width, height);
    const ready = await uploads(app, ann).upload(`photo.${format}`, mimeType, bytes);
    expect(ready).toEqual({
      id: ready.id,
      status: 'ready',
      name: `photo.${format}`,
      mimeType,
      size: bytes.length,
      width,
      height,
      hasThumbnail: true,
    });

    const links = expectStatus<{ url: string; thumbnailUrl: string; expiresAt: string }>(
      await uploads(app, ann).links(ready.id),
      200,
    );
    const original = await download(app.baseUrl, links.url);
    expect(original.status).toBe(200);
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(original.headers.get('content-type')).toBe(mimeType);
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    const thumbnail = await download(app.baseUrl, links.thumbnailUrl);
    const metadata = await sharp(thumbnail.bytes).metadata();
    expect(metadata.format).toBe('webp');
    expect(Math.max(metadata.width, metadata.height)).toBe(Math.min(320, Math.max(width, height)));
    expect(metadata.width / metadata.height).toBeCloseTo(width / height, 1);
  });

  it('refuses a text file declared as a PNG, and deletes it', async () => {
    const ann = await register(app);
    const bytes = Buffer.from('just some words, not a picture at all\n');
    const declared = expectStatus<Declared>(await uploads(app, ann).declare('cat.png', 'image/png', bytes.length), 201);
    expect((await uploads(app, ann).put(declared, bytes)).status).toBeLessThan(300);

    const refused = await uploads(app, ann).complete(declared.id);
    expect(expectStatus<{ code: string }>(refused, 422).code).toBe('UPLOAD_REJECTED');
    expect(stored().some((path) => path.includes(declared.id))).toBe(false);
    expect(expectStatus<{ code: string }>(await uploads(app, ann).complete(declared.id), 404).code).toBe(
      'UPLOAD_NOT_FOUND',
    );

    // Its link still works for a while, which stores bytes again: the sweep takes them with the row.
    expect((await uploads(app, ann).put(declared, bytes)).status).toBeLessThan(300);
    await db.query(`UPDATE uploads SET created_at = now() - interval '2 hours' WHERE id = $1`, [declared.id]);
    await app.app.get(UploadSweep).sweep();
    expect(stored().some((path) => path.includes(declared.id))).toBe(false);
    expect((await db.query('SELECT 1 FROM uploads WHERE id = $1', [declared.id])).rows).toEqual([]);
  });

  it('refuses a declaration over the size limit with 413, and a size that differs from the declared one with 422', async () => {
    const ann = await register(app);
    expect((await uploads(app, ann).declare('big.bin', 'image/png', 26_214_401)).status).toBe(413);
    const bytes = await image('png', 50, 50);
    const declared = expectStatus<Declared>(
      await uploads(app, ann).declare('short.png', 'image/png', bytes.length + 10),
      201,
    );
    await uploads(app, ann).put(declared, bytes);
    expect(expectStatus<{ code: string }>(await uploads(app, ann).complete(declared.id), 422).code).toBe(
      'UPLOAD_REJECTED',
    );
  });

  it('refuses a tampered download link', async () => {
    const ann = await register(app);
    const ready = await uploads(app, ann).upload('a.png', 'image/png', await image('png', 20, 20));
    const { url } = expectStatus<{ url: string }>(await uploads(app, ann).links(ready.id), 200);
    const tampered = url.replace(/sig=([0-9a-f])/, (_match, first: string) => `sig=${first === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(url);
    expect((await download(app.baseUrl, tampered)).status).toBe(403);
  });

  it('attaches the sender’s own ready uploads to a message, and nothing else', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('photos', [bob]), 201).id;
    const mine = await uploads(app, ann).upload('mine.png', 'image/png', await image('png', 64, 32));
    const theirs = await uploads(app, bob).upload('theirs.png', 'image/png', await image('png', 8, 8));
    const pending = expectStatus<Declared>(await uploads(app, ann).declare('later.png', 'image/png', 100), 201);

    const sent = expectStatus<{ attachments: unknown[] }>(
      await chat(app, ann).send(group, 'look', { attachments: [{ uploadId: mine.id }] }),
      201,
    );
    expect(sent.attachments).toEqual([
      {
        uploadId: mine.id,
        name: 'mine.png',
        mimeType: 'image/png',
        size: expect.any(Number),
        width: 64,
        height: 32,
        hasThumbnail: true,
      },
    ]);
    for (const uploadId of [theirs.id, pending.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await chat(app, ann).send(group, 'nope', { attachments: [{ uploadId }] });
      expect(expectStatus<{ details: { field: string }[] }>(refused, 400).details[0].field).toBe(
        'attachments[0].uploadId',
      );
    }
  });

  it('accepts external links only over https to a host name without user info', async () => {
    const ann = await register(app);
    const group = expectStatus<{ id: string }>(
      await chat(app, ann).createGroup('links', [await register(app)]),
      201,
    ).id;
    const link = (url: string) => ({ attachments: [{ url, mimeType: 'image/png', size: 10, name: 'x.png' }] });
    expectStatus(await chat(app, ann).send(group, 'ok', link('https://cdn.example.com/x.png')), 201);
    for (const url of [
      'http://cdn.example.com/x.png',
      'https://user:pw@cdn.example.com/x.png',
      'https://93.184.216.34/x.png',
      'https://[2001:db8::1]/x.png',
    ]) {
      expect((await chat(app, ann).send(group, 'no', link(url))).status).toBe(400);
    }
  });

  it('gives links to members who can see the message, and 404 to an outsider, a removed member, a blocked user and after a hide', async () => {
    const [ann, bob, cat, dan, eve] = await Promise.all([1, 2, 3, 4, 5].map(() => register(app)));
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('seen', [bob, cat, dan]), 201).id;
    const ready = await uploads(app, ann).upload('shared.png', 'image/png', await image('png', 30, 30));
    expectStatus(await chat(app, ann).send(group, 'here', { attachments: [{ uploadId: ready.id }] }), 201);
    const linkFor = async (who: SignedIn) => (await uploads(app, who).links(ready.id)).status;

    expect(await linkFor(bob)).toBe(200);
    expect(await linkFor(eve)).toBe(404);
    expectStatus(await chat(app, ann).call('DELETE', `/${group}/members/${cat.user.id}`), 204);
    expect(await linkFor(cat)).toBe(404);
    expectStatus(
      await app.request('POST', `/api/v1/users/${ann.user.id}/block`, { headers: bearer(dan.accessToken) }),
      204,
    );
    expect(await linkFor(dan)).toBe(404);
    expectStatus(await chat(app, bob).call('DELETE', `/${group}`), 204);
    expect(await linkFor(bob)).toBe(404);
    expect(await linkFor(ann)).toBe(200);
  });

  it('leaves an upload of a refused message unattached, so the sweep still takes it', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('refused', [bob]), 201).id;
    const mine = await uploads(app, ann).upload('mine.png', 'image/png', await image('png', 12, 12));
    const theirs = await uploads(app, bob).upload('theirs.png', 'image/png', await image('png', 12, 12));
    const refused = await chat(app, ann).send(group, 'two', {
      attachments: [{ uploadId: mine.id }, { uploadId: theirs.id }],
    });
    expect(expectStatus<{ details: { field: string }[] }>(refused, 400).details[0].field).toBe(
      'attachments[1].uploadId',
    );
    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = $1`, [mine.id]);
    await app.app.get(UploadSweep).sweep();
    expect(stored().some((path) => path.includes(mine.id))).toBe(false);
  });

  it('sweeps an upload never attached after a day, and one whose only message was deleted', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('sweep', [bob]), 201).id;
    const abandoned = await uploads(app, ann).upload('left.png', 'image/png', await image('png', 10, 10));
    const recent = await uploads(app, ann).upload('recent.png', 'image/png', await image('png', 10, 10));
    const carried = await uploads(app, ann).upload('sent.png', 'image/png', await image('png', 10, 10));
    const message = expectStatus<{ id: string }>(
      await chat(app, ann).send(group, 'soon gone', { attachments: [{ uploadId: carried.id }] }),
      201,
    );
    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ANY($1)`, [
      [abandoned.id, carried.id],
    ]);
    expect(stored().filter((path) => path.includes(abandoned.id))).toHaveLength(2);

    await app.app.get(UploadSweep).sweep();
    expect(stored().filter((path) => path.includes(abandoned.id))).toEqual([]);
    expect(stored().some((path) => path.includes(recent.id))).toBe(true);
    expect(stored().some((path) => path.includes(carried.id))).toBe(true);

    expectStatus(await chat(app, ann).call('DELETE', `/${group}/messages/${message.id}`), 204);
    expect((await uploads(app, bob).links(carried.id)).status).toBe(404);
    await app.app.get(UploadSweep).sweep();
    expect(stored().some((path) => path.includes(carried.id))).toBe(false);
    const { rows } = await db.query('SELECT id FROM uploads WHERE id = ANY($1)', [
      [abandoned.id, carried.id, recent.id],
    ]);
    expect(rows).toEqual([{ id: recent.id }]);
  });
});
