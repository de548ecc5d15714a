import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { MessageRetention } from '#src/privacy/message-retention.service.js';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { image, uploads } from '../support/upload-client.js';

interface Message {
  id: string;
  seq: number;
  body: string;
  attachments: unknown[];
  deletedAt: string | null;
}

/** The value of `message_retention_runs_total{result}` in an instance's registry. */
async function retentionRuns(t: TestApp, result: 'ran' | 'skipped'): Promise<number> {
  const text = await t.app.get(MetricsService).render();
  const line = text.split('\n').find((row) => row.startsWith(`message_retention_runs_total{result="${result}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('message retention', () => {
  let db: pg.Client;
  const dir = mkdtempSync(join(tmpdir(), 'retention-'));

  beforeAll(async () => {
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A group of two with `bodies` sent in order; the messages as stored. */
  async function conversationWith(t: TestApp, bodies: string[]) {
    const [ann, bob] = [await register(t), await register(t)];
    const id = expectStatus<{ id: string }>(await chat(t, ann).createGroup('old and new', [bob]), 201).id;
    const sent: Message[] = [];
    for (const body of bodies) sent.push(expectStatus<Message>(await chat(t, ann).send(id, body), 201));
    return { ann, bob, id, sent };
  }

  const backdate = (ids: string[], days: number) =>
    db.query(`UPDATE messages SET created_at = now() - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, [
      ids,
      days,
    ]);

  const timeline = async (t: TestApp, who: SignedIn, id: string) =>
    expectStatus<{ items: Message[] }>(await chat(t, who).messages(id, '?limit=100'), 200).items;

  describe('on its schedule, over two instances', () => {
    let one: TestApp;
    let two: TestApp;
    let closed = false;

    beforeAll(async () => {
      [one, two] = await startTwoTestApps({
        MESSAGE_RETENTION_DAYS: 30,
        MESSAGE_RETENTION_INTERVAL_SECONDS: 1,
        STORAGE_DRIVER: 'local',
        STORAGE_DIR: dir,
      });
    });

    afterAll(async () => {
      if (!closed) await Promise.all([one.close(), two.close()]);
    });

    it('tombstones messages older than MESSAGE_RETENTION_DAYS, seq kept, keeps recent ones, and deletes their uploads', async () => {
      const photo = { bytes: await image('png', 32, 32) };
      const { ann, bob, id, sent } = await conversationWith(one, ['old one', 'old two']);
      const upload = await uploads(one, ann).upload('old.png', 'image/png', photo.bytes);
      sent.push(
        expectStatus<Message>(
          await chat(one, ann).send(id, 'old photo', { attachments: [{ uploadId: upload.id }] }),
          201,
        ),
      );
      sent.push(expectStatus<Message>(await chat(one, ann).send(id, 'recent'), 201));
      // Bob's latest page is in Redis before retention reaches it.
      await timeline(two, bob, id);
      expect((await chat(two, bob).messages(id, '?limit=100')).headers.get('x-cache')).toBe('HIT');
      await backdate(
        sent.slice(0, 3).map((message) => message.id),
        31,
      );
      await backdate([sent[3].id], 29);

      const items = await eventually(
        () => timeline(two, bob, id),
        (messages) => messages.filter((message) => message.deletedAt !== null).length === 3,
        15_000,
      );
      expect(items.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
      expect(items.slice(0, 3).map((message) => [message.body, message.attachments])).toEqual([
        ['', []],
        ['', []],
        ['', []],
      ]);
      expect(items[3]).toMatchObject({ body: 'recent', deletedAt: null });
      await eventually(
        () => Promise.resolve(existsSync(join(dir, 'uploads', upload.id))),
        (present) => !present,
      );
      expect(existsSync(join(dir, 'uploads', upload.id))).toBe(false);
      expect(existsSync(join(dir, 'thumbnails', upload.id))).toBe(false);
      expect((await db.query('SELECT 1 FROM uploads WHERE id = $1', [upload.id])).rowCount).toBe(0);
    });

    it('runs each period once across the instances: every finished run was run by exactly one of them', async () => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      // Closed first: no run is under way while the runs and the counts are compared.
      closed = true;
      await Promise.all([one.close(), two.close()]);
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM retention_runs WHERE finished_at IS NOT NULL',
      );
      const ran = (await retentionRuns(one, 'ran')) + (await retentionRuns(two, 'ran'));
      const skipped = (await retentionRuns(one, 'skipped')) + (await retentionRuns(two, 'skipped'));
      expect(rows[0].n).toBeGreaterThanOrEqual(2);
      expect(ran).toBe(rows[0].n);
      // Both instances checked: the other one found the period taken.
      expect(skipped).toBeGreaterThan(0);
      const { rows: audited } = await db.query(
        "SELECT details FROM audit_log WHERE action = 'messages.retention' AND actor_id IS NULL",
      );
      expect(audited.reduce((sum: number, row: { details: { erased: number } }) => sum + row.details.erased, 0)).toBe(
        3,
      );
    });
  });

  describe('when triggered', () => {
    let one: TestApp;
    let two: TestApp;

    beforeAll(async () => {
      await db.query('DELETE FROM retention_runs');
      // A period of a day: each instance checks at start, then again only a minute later.
      [one, two] = await startTwoTestApps({ MESSAGE_RETENTION_DAYS: 7 });
      const checks = async (t: TestApp) => (await retentionRuns(t, 'ran')) + (await retentionRuns(t, 'skipped'));
      await eventually(
        async () => Math.min(await checks(one), await checks(two)),
        (count) => count > 0,
      );
    });

    afterAll(() => Promise.all([one.close(), two.close()]));

    /** Today's run is forgotten: the next check finds it due. */
    const forgetRuns = () => db.query('DELETE FROM retention_runs');

    it('runs once when both instances find the period due at the same moment', async () => {
      const { bob, id, sent } = await conversationWith(one, ['a', 'b', 'c', 'd']);
      await backdate(
        sent.slice(0, 3).map((message) => message.id),
        8,
      );
      await forgetRuns();

      const outcomes = await Promise.all([
        one.app.get(MessageRetention).runDue(),
        two.app.get(MessageRetention).runDue(),
      ]);
      expect(outcomes.sort()).toEqual(['ran', 'skipped']);
      const { rows } = await db.query('SELECT erased, attempts, finished_at FROM retention_runs');
      expect(rows).toEqual([{ erased: 3, attempts: 1, finished_at: expect.any(Date) }]);
      const items = await timeline(two, bob, id);
      expect(items.map((message) => message.body)).toEqual(['', '', '', 'd']);
      expect(await one.app.get(MessageRetention).runDue()).toBe('skipped');
    });

    it('takes over a run whose instance died, once its lease has lapsed, and leaves a live one alone', async () => {
      const { bob, id, sent } = await conversationWith(one, ['old', 'new']);
      await backdate([sent[0].id], 10);
      await forgetRuns();
      const slot = `floor(extract(epoch FROM now()) / 86400)::bigint`;
      await db.query(
        `INSERT INTO retention_runs (slot, cutoff, lease_until) VALUES (${slot}, now() - interval '7 days', now() + interval '1 minute')`,
      );
      expect(await one.app.get(MessageRetention).runDue()).toBe('skipped');
      expect((await timeline(two, bob, id))[0].body).toBe('old');

      await db.query(`UPDATE retention_runs SET lease_until = now() - interval '1 second'`);
      expect(await two.app.get(MessageRetention).runDue()).toBe('ran');
      expect((await timeline(two, bob, id)).map((message) => message.body)).toEqual(['', 'new']);
      const { rows } = await db.query('SELECT attempts, erased FROM retention_runs');
      expect(rows).toEqual([{ attempts: 2, erased: 1 }]);
    });
  });

  it('is off without MESSAGE_RETENTION_DAYS: old messages stay', async () => {
    const t = await startTestApp();
    try {
      const { bob, id, sent } = await conversationWith(t, ['ancient']);
      await backdate([sent[0].id], 3650);
      await db.query('DELETE FROM retention_runs');
      expect(await t.app.get(MessageRetention).runDue()).toBe('off');
      expect((await timeline(t, bob, id))[0].body).toBe('ancient');
      expect((await db.query('SELECT 1 FROM retention_runs')).rowCount).toBe(0);
    } finally {
      await t.close();
    }
  });
});
