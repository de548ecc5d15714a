import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ExportSweep } from '#src/privacy/export-sweep.service.js';
import { bearer, deleteAccount, register, type SignedIn } from '../support/auth-client.js';
import { insertMessages } from '../support/bulk-messages.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { downloadOnce as download, exportsOf, type ExportView } from '../support/privacy-client.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { image, uploads } from '../support/upload-client.js';

interface Archive {
  format: string;
  profile: { id: string; email: string; username: string };
  settings: { readReceipts: boolean; showLastSeen: boolean };
  sessions: { id: string }[];
  devices: { id: string }[];
  blocks: { userId: string }[];
  conversations: { conversationId: string; type: string; role: string; memberIds: string[] }[];
  messages: { id: string; conversationId: string; seq: number; body: string; attachments: { uploadId?: string }[] }[];
  uploads: { id: string; name: string; mimeType: string; size: number }[];
}

/** Replaces one query field of a link, keeping the others (and the signature) as they were. */
const withQuery = (url: string, field: string, value: string) => {
  const parsed = new URL(url, 'http://placeholder');
  parsed.searchParams.set(field, value);
  return `${parsed.pathname}${parsed.search}`;
};

describe('data export, over two instances', () => {
  let one: TestApp;
  let two: TestApp;
  let db: pg.Client;
  const dir = mkdtempSync(join(tmpdir(), 'exports-'));

  beforeAll(async () => {
    [one, two] = await startTwoTestApps({
      STORAGE_DRIVER: 'local',
      STORAGE_DIR: dir,
      EXPORTS_PER_MINUTE_PER_USER: 100,
    });
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const archivePath = (id: string) => join(dir, 'exports', id);

  /** A ready export of `who`'s data, requested on one instance and read on the other, and its archive. */
  async function exported(who: SignedIn): Promise<{ view: ExportView; archive: Archive; text: string }> {
    const requested = expectStatus<ExportView>(await exportsOf(one, who).request(), 202);
    const view = await exportsOf(two, who).settled(requested.id);
    expect(view.status).toBe('ready');
    const file = await download(two.baseUrl, view.url!);
    expect(file.status).toBe(200);
    const text = file.bytes.toString('utf8');
    return { view, archive: JSON.parse(text) as Archive, text };
  }

  it('holds exactly the owner’s data: their messages and uploads, their conversations with members’ ids, nothing private of anyone else', async () => {
    const [ann, bob, cid] = [await register(one), await register(two), await register(one)];
    // The group first: the direct conversation is then no message request.
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('trio', [bob, cid]), 201).id;
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const photo = await uploads(one, ann).upload('ann.png', 'image/png', await image('png', 40, 30));
    const bobsPhoto = await uploads(two, bob).upload('bob.png', 'image/png', await image('png', 20, 20));
    expectStatus(await chat(one, ann).send(direct, 'ann says hello'), 201);
    expectStatus(await chat(two, bob).send(direct, 'bob private words'), 201);
    expectStatus(await chat(one, ann).send(group, 'ann in the group', { attachments: [{ uploadId: photo.id }] }), 201);
    expectStatus(await chat(one, cid).send(group, 'cid thoughts'), 201);
    expectStatus(await chat(two, bob).send(group, 'with a photo', { attachments: [{ uploadId: bobsPhoto.id }] }), 201);
    const deleted = expectStatus<{ id: string }>(await chat(one, ann).send(group, 'ann takes this back'), 201);
    expectStatus(await chat(one, ann).call('DELETE', `/${group}/messages/${deleted.id}`), 204);
    await one.request('POST', `/api/v1/users/${cid.user.id}/block`, { headers: bearer(ann.accessToken) });

    const { view, archive, text } = await exported(ann);

    expect(view).toMatchObject({ status: 'ready', size: Buffer.byteLength(text), url: expect.any(String) });
    expect(new Date(view.urlExpiresAt!).getTime()).toBeLessThanOrEqual(Date.now() + 300_000 + 5_000);
    expect(archive.format).toBe('chat-backend-export/1');
    expect(archive.profile).toMatchObject({ id: ann.user.id, email: ann.user.email, username: ann.user.username });
    expect(archive.settings).toEqual({ readReceipts: true, showLastSeen: true });
    expect(archive.sessions.map((session) => session.id)).toEqual([ann.sessionId]);
    expect(archive.blocks).toEqual([expect.objectContaining({ userId: cid.user.id })]);
    expect(archive.messages.map((message) => message.body).sort()).toEqual(['ann in the group', 'ann says hello']);
    expect(archive.messages.find((message) => message.body === 'ann in the group')?.attachments).toEqual([
      expect.objectContaining({ uploadId: photo.id }),
    ]);
    expect(archive.uploads).toEqual([
      expect.objectContaining({ id: photo.id, name: 'ann.png', mimeType: 'image/png', size: expect.any(Number) }),
    ]);
    const conversations = new Map(archive.conversations.map((entry) => [entry.conversationId, entry]));
    expect(conversations.get(direct)).toMatchObject({ type: 'direct', role: 'member' });
    expect(conversations.get(direct)?.memberIds.sort()).toEqual([ann.user.id, bob.user.id].sort());
    expect(conversations.get(group)).toMatchObject({ type: 'group', role: 'owner' });
    expect(conversations.get(group)?.memberIds.sort()).toEqual([ann.user.id, bob.user.id, cid.user.id].sort());
    // Nothing of the others beyond their ids, and no secret of the owner's either.
    for (const leak of [
      'bob private words',
      'cid thoughts',
      'with a photo',
      'ann takes this back',
      bob.user.email,
      cid.user.email,
      bob.user.username,
      bob.sessionId,
      cid.sessionId,
      bobsPhoto.id,
      'argon2',
      'passwordHash',
    ]) {
      expect(text).not.toContain(leak);
    }
  });

  it('answers the owner only: another user’s export id is a 404 like an unknown one', async () => {
    const [ann, bob] = [await register(one), await register(one)];
    const { view } = await exported(ann);

    const others = await exportsOf(two, bob).status(view.id);
    const unknown = await exportsOf(two, bob).status(randomUUID());
    expect([others.status, unknown.status]).toEqual([404, 404]);
    expect(others.json()).toMatchObject({ code: 'EXPORT_NOT_FOUND' });
    expect(others.json().message).toBe(unknown.json().message);
    expect(others.text).not.toContain(view.url ?? 'no url');
    expect((await exportsOf(one, bob).status('not-a-uuid')).status).toBe(400);
    expect((await one.request('GET', `/api/v1/users/me/export/${view.id}`)).status).toBe(401);
    expect((await one.request('POST', '/api/v1/users/me/export')).status).toBe(401);
  });

  it('refuses a tampered link, and a link to the archive for another key', async () => {
    const ann = await register(one);
    const { view } = await exported(ann);
    const url = view.url!;
    const sig = new URL(url, 'http://placeholder').searchParams.get('sig')!;
    const flipped = `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`;
    const exp = Number(new URL(url, 'http://placeholder').searchParams.get('exp'));
    for (const forged of [
      withQuery(url, 'sig', flipped),
      withQuery(url, 'exp', String(exp + 3600)),
      withQuery(url, 'name', 'other.json'),
      withQuery(url, 'type', 'text/html'),
      url.replace(`/exports/${view.id}`, `/exports/${randomUUID()}`),
      url.replace('/exports/', '/uploads/'),
    ]) {
      const response = await download(one.baseUrl, forged);
      expect({ forged, status: response.status }).toEqual({ forged, status: 403 });
      expect(JSON.parse(response.bytes.toString()).code).toBe('LINK_INVALID');
    }
    const file = await download(one.baseUrl, url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/json');
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="chat-export-\d{4}-\d{2}-\d{2}\.json"/,
    );
  });

  it('answers a request while one is in progress with that one, and starts nothing more', async () => {
    const ann = await register(one);
    const waiting = randomUUID();
    // In progress, and not due for an hour: no worker finishes it while the test asks.
    await db.query(`INSERT INTO data_exports (user_id, id, available_at) VALUES ($1, $2, now() + interval '1 hour')`, [
      ann.user.id,
      waiting,
    ]);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => exportsOf(i % 2 ? one : two, ann).request()));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(202));
    expect(answers.map((answer) => answer.json<ExportView>())).toEqual(
      Array(6).fill(expect.objectContaining({ id: waiting, status: 'pending' })),
    );
    const { rows } = await db.query('SELECT id FROM data_exports WHERE user_id = $1', [ann.user.id]);
    expect(rows).toEqual([{ id: waiting }]);
  });

  it('starts one export for requests racing from none', async () => {
    const bob = await register(one);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => exportsOf(i % 2 ? one : two, bob).request()));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(202));
    const ids = new Set(answers.map((answer) => answer.json<ExportView>().id));
    const { rows } = await db.query('SELECT id FROM data_exports WHERE user_id = $1', [bob.user.id]);
    // A request after the first export finished may start a second: never more than the answers name.
    expect(rows.map((row: { id: string }) => row.id).sort()).toEqual([...ids].sort());
    const { rows: active } = await db.query(
      'SELECT count(*)::int AS n FROM data_exports WHERE user_id = $1 AND active',
      [bob.user.id],
    );
    expect(active[0].n).toBeLessThanOrEqual(1);
  });

  it('pages a long history: every one of 2,000 messages, in order, none of another sender', async () => {
    const [dan, eve] = [await register(one), await register(one)];
    const direct = expectStatus<{ id: string }>(await chat(one, dan).openDirect(eve), 201).id;
    await insertMessages(db, direct, dan.user.id, 1200, 'dan');
    await insertMessages(db, direct, eve.user.id, 300, 'eve');
    await insertMessages(db, direct, dan.user.id, 800, 'dan');

    const { archive } = await exported(dan);

    expect(archive.messages).toHaveLength(2000);
    const seqs = archive.messages.map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(2000);
    expect(archive.messages.every((message) => message.body === `dan ${message.seq}`)).toBe(true);
  });

  it('expires the archive: a newer one replaces it, and the sweep deletes it after EXPORT_KEEP_HOURS', async () => {
    const ann = await register(one);
    const first = await exported(ann);
    expect(existsSync(archivePath(first.view.id))).toBe(true);

    const second = await exported(ann);
    expect(second.view.id).not.toBe(first.view.id);
    expect(expectStatus<ExportView>(await exportsOf(one, ann).status(first.view.id), 200)).toMatchObject({
      status: 'expired',
    });
    expect(expectStatus<ExportView>(await exportsOf(one, ann).status(first.view.id), 200).url).toBeUndefined();
    await one.app.get(ExportSweep).sweep();
    expect(existsSync(archivePath(first.view.id))).toBe(false);
    expect((await download(one.baseUrl, first.view.url!)).status).toBe(404);

    // The newer one, once its time has passed.
    await db.query(`UPDATE data_exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.view.id]);
    expect(expectStatus<ExportView>(await exportsOf(two, ann).status(second.view.id), 200)).toMatchObject({
      status: 'expired',
    });
    await two.app.get(ExportSweep).sweep();
    expect(existsSync(archivePath(second.view.id))).toBe(false);
    expect((await download(one.baseUrl, second.view.url!)).status).toBe(404);
    const { rows } = await db.query('SELECT status FROM data_exports WHERE id = $1', [second.view.id]);
    expect(rows).toEqual([{ status: 'expired' }]);
  });

  it('deletes the archive of an account deleted since, at the next sweep', async () => {
    const ann = await register(one);
    const { view } = await exported(ann);
    expect((await deleteAccount(one, ann)).status).toBe(204);
    await one.app.get(ExportSweep).sweep();
    expect(existsSync(archivePath(view.id))).toBe(false);
  });

  it('deletes at the sweep the temporary file of a build whose instance died, and leaves one being written', async () => {
    const name = () => `chat-export-${randomUUID()}-${randomUUID()}.json`;
    const [stale, live] = [join(tmpdir(), name()), join(tmpdir(), name())];
    writeFileSync(stale, '{"private":');
    writeFileSync(live, '{"private":');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    try {
      await one.app.get(ExportSweep).sweep();
      expect([existsSync(stale), existsSync(live)]).toEqual([false, true]);
    } finally {
      rmSync(live, { force: true });
      rmSync(stale, { force: true });
    }
  });

  it('documents every status its routes answer, with the export’s schema', async () => {
    const document = (await one.request('GET', '/docs-json')).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    }>();
    const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses).sort();
    expect(statuses('/api/v1/users/me/export', 'post')).toEqual(['202', '401', '429', '503']);
    expect(statuses('/api/v1/users/me/export/{id}', 'get')).toEqual(['200', '400', '401', '404', '414', '503']);
    expect(statuses('/api/v1/users/me', 'delete')).toEqual(['204', '400', '401', '403', '413', '415', '429', '503']);
    expect(JSON.stringify(document.paths['/api/v1/users/me/export/{id}'].get.responses['200'])).toContain(
      '#/components/schemas/DataExport',
    );
  });

  it('finishes an export whose instance died mid-build, once its lease has lapsed', async () => {
    const ann = await register(one);
    const id = randomUUID();
    // Claimed once, by an instance that then died: the lease ran out a moment ago.
    await db.query(
      `INSERT INTO data_exports (user_id, id, status, attempts, available_at)
       VALUES ($1, $2, 'running', 1, now() - interval '1 second')`,
      [ann.user.id, id],
    );
    expect(expectStatus<ExportView>(await exportsOf(one, ann).request(), 202).id).toBe(id);

    const view = await exportsOf(two, ann).settled(id);
    expect(view.status).toBe('ready');
    expect((await download(one.baseUrl, view.url!)).status).toBe(200);
    const { rows } = await db.query('SELECT attempts FROM data_exports WHERE id = $1', [id]);
    expect(rows).toEqual([{ attempts: 2 }]);
  });
});

describe('data export limits and links', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'exports-'));

  beforeAll(async () => {
    t = await startTestApp({ STORAGE_DRIVER: 'local', STORAGE_DIR: dir, EXPORT_LINK_SECONDS: 1 });
  });

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits requests per user (EXPORTS_PER_MINUTE_PER_USER, 2 by default)', async () => {
    const ann = await register(t);
    expect((await exportsOf(t, ann).request()).status).toBe(202);
    expect((await exportsOf(t, ann).request()).status).toBe(202);
    const third = await exportsOf(t, ann).request();
    expect(third.status).toBe(429);
    expect(third.json().code).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('gives links that stop working after EXPORT_LINK_SECONDS, and a fresh one on each read', async () => {
    const ann = await register(t);
    const id = expectStatus<ExportView>(await exportsOf(t, ann).request(), 202).id;
    const view = await exportsOf(t, ann).settled(id);
    expect((await download(t.baseUrl, view.url!)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await download(t.baseUrl, view.url!);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.bytes.toString()).code).toBe('LINK_INVALID');
    const fresh = expectStatus<ExportView>(await exportsOf(t, ann).status(id), 200);
    expect(fresh.url).not.toBe(view.url);
    expect((await download(t.baseUrl, fresh.url!)).status).toBe(200);
    expect(new Date(fresh.urlExpiresAt!).getTime()).toBeLessThan(Date.now() + 3000);
  });
});
