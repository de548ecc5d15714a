import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { spawnReadyApp, instanceEnv, type AppProcess } from '../support/app-process.js';
import { register, TEST_PASSWORD, bearer } from '../support/auth-client.js';
import { insertMessages } from '../support/bulk-messages.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { downloadOnce, exportsOf, type ExportView } from '../support/privacy-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

// An instance process killed (SIGKILL) in the middle of an export and of an erasure: another
// instance takes each over once the dead one's lease has lapsed, and finishes it.

/** A history long enough that the work is still under way when the process is killed. */
const HISTORY = 40_000;
const LEASE_SECONDS = 2;

describe('exports and erasures when their instance dies', () => {
  let db: pg.Client;
  let survivor: TestApp;
  const started: AppProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'privacy-crash-'));
  const shared = { STORAGE_DRIVER: 'local', STORAGE_DIR: dir } as const;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    survivor = await startTestApp({ ...shared, OUTBOX_POLL_MS: 200 });
  });

  afterAll(async () => {
    started.forEach((app) => app.kill());
    await survivor.close();
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const doomed = () =>
    spawnReadyApp(
      instanceEnv({ ...shared, OUTBOX_LEASE_SECONDS: String(LEASE_SECONDS), LOG_LEVEL: 'silent' }),
      started,
    );

  /** A user with a long history in a group with another: the two of them. */
  async function withHistory() {
    const [ann, bob] = [await register(survivor), await register(survivor)];
    const group = expectStatus<{ id: string }>(await chat(survivor, ann).createGroup('long', [bob]), 201).id;
    await insertMessages(db, group, ann.user.id, HISTORY, 'ann');
    return { ann, bob, group };
  }

  it('finishes an export whose instance was killed while it built the archive', async () => {
    const { ann } = await withHistory();
    const instance = await doomed();
    const requested = await instance.request('POST', '/api/v1/users/me/export', bearer(ann.accessToken));
    expect(requested.status).toBe(202);
    const { id } = requested.json<ExportView>();
    await eventually(
      async () => (await db.query('SELECT status FROM data_exports WHERE id = $1', [id])).rows[0]?.status,
      (status) => status === 'running',
    );
    instance.kill();
    await instance.exited;
    expect((await db.query('SELECT status FROM data_exports WHERE id = $1', [id])).rows).toEqual([
      { status: 'running' },
    ]);

    const view = await exportsOf(survivor, ann).settled(id, 30_000);
    expect(view.status).toBe('ready');
    const archive = JSON.parse((await downloadOnce(survivor.baseUrl, view.url!)).bytes.toString()) as {
      messages: unknown[];
    };
    expect(archive.messages).toHaveLength(HISTORY);
    const { rows } = await db.query<{ attempts: number }>('SELECT attempts FROM data_exports WHERE id = $1', [id]);
    expect(rows[0].attempts).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('finishes an erasure whose instance was killed half way through the messages', async () => {
    const { ann, bob, group } = await withHistory();
    const instance = await doomed();
    const erased = await fetch(`${instance.baseUrl}/api/v1/users/me`, {
      method: 'DELETE',
      headers: { ...bearer(ann.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ password: TEST_PASSWORD, eraseMessages: true }),
    });
    expect(erased.status).toBe(204);
    const tombstones = () =>
      db
        .query<{ n: number }>(
          'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND deleted_at IS NOT NULL',
          [group],
        )
        .then(({ rows }) => rows[0].n);
    await eventually(tombstones, (count) => count > 0, 10_000);
    instance.kill();
    await instance.exited;
    const atTheKill = await tombstones();
    expect(atTheKill).toBeLessThan(HISTORY);

    await eventually(tombstones, (count) => count === HISTORY, 30_000);
    expect(await tombstones()).toBe(HISTORY);
    expect((await db.query('SELECT 1 FROM account_erasures WHERE user_id = $1', [ann.user.id])).rowCount).toBe(0);
    const latest = expectStatus<{ items: { body: string; seq: number }[] }>(
      await chat(survivor, bob).messages(group, '?limit=100'),
      200,
    );
    expect(latest.items.every((message) => message.body === '')).toBe(true);
    expect(latest.items.at(-1)?.seq).toBe(HISTORY);
  }, 60_000);
});
