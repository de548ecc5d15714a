import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { ADMIN_EMAIL, ADMIN_SETTINGS, admin, registerAdmin, type AuditItem } from '../support/admin-client.js';
import { newAccount, register, type SignedIn } from '../support/auth-client.js';
import { expectStatus } from '../support/chat-client.js';
import { startTwoTestApps, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';

const CLI = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url));

/** Runs the built admin CLI as its own process, as `npm run admin -- …` does. */
async function runCli(args: string[], env: Record<string, string> = { DATABASE_URL: testDatabaseUrl() }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('who is a system admin', () => {
  let one: TestApp;
  let two: TestApp;
  let boss: SignedIn;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(one);
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('is anyone whose email ADMIN_EMAILS lists, whatever its case, on every instance', async () => {
    expect(ADMIN_SETTINGS.ADMIN_EMAILS).toContain(ADMIN_EMAIL.toUpperCase());
    for (const t of [one, two]) expect((await admin(t, boss).users()).status).toBe(200);
    const plain = await register(one);
    expect((await admin(two, plain).users()).json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  it('is whoever `admin grant` made one, at once, until `admin revoke`; both audited with no actor', async () => {
    const ops = await register(one, { ...newAccount('ops'), email: 'Ops.Person@example.com' });
    expect((await admin(one, ops).users()).status).toBe(403);

    const granted = await runCli(['grant', ' OPS.person@example.com ']);
    expect(granted).toMatchObject({ code: 0, stdout: 'ops.person@example.com is now role admin\n' });
    for (const t of [one, two]) expect((await admin(t, ops).users()).status).toBe(200);
    expect((await runCli(['grant', 'ops.person@example.com'])).stdout).toContain('was already role admin');

    expect((await runCli(['revoke', 'ops.person@example.com'])).stdout).toBe(
      'ops.person@example.com is now role user\n',
    );
    for (const t of [one, two]) expect((await admin(t, ops).users()).status).toBe(403);

    const rows = await admin(one, boss).auditOf(ops.user.id);
    expect(rows.map(({ actorId, action, targetType, ip }: AuditItem) => ({ actorId, action, targetType, ip }))).toEqual(
      [
        { actorId: null, action: 'admin.revoked', targetType: 'user', ip: null },
        { actorId: null, action: 'admin.granted', targetType: 'user', ip: null },
      ],
    );
    expect(rows[1].details).toMatchObject({ email: 'ops.person@example.com', role: 'admin', previousRole: 'user' });
  });

  it('tells an operator what it cannot do, and changes nothing then', async () => {
    const db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const bot = await register(one);
      await db.query("UPDATE users SET role = 'bot' WHERE id = $1", [bot.user.id]);
      const refused = await runCli(['grant', bot.user.email]);
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('bots cannot be admins') });
      const { rows } = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [bot.user.id]);
      expect(rows).toEqual([{ role: 'bot' }]);

      expect(await runCli(['grant', 'nobody@example.com'])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('No active account'),
      });
      expect((await runCli(['promote', 'x@example.com'])).code).toBe(2);
      expect((await runCli(['grant'])).code).toBe(2);
      expect(await runCli(['grant', 'x@example.com'], {})).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('DATABASE_URL is required'),
      });
      // Revoking the role of an ADMIN_EMAILS account leaves it an admin, and says so.
      const listed = await runCli(['revoke', ADMIN_EMAIL], {
        DATABASE_URL: testDatabaseUrl(),
        ADMIN_EMAILS: ADMIN_EMAIL,
      });
      expect(listed.stdout).toContain('stays an admin while ADMIN_EMAILS lists it');
      expect(await admin(one, boss).auditOf(bot.user.id)).toEqual([]);
      expect(await admin(one, boss).auditOf(boss.user.id)).toEqual([]);
    } finally {
      await db.end();
    }
  });
});

describe('the audit log', () => {
  let t: TestApp;
  let other: TestApp;
  let boss: SignedIn;

  beforeAll(async () => {
    [t, other] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(t);
  });
  afterAll(() => Promise.all([t.close(), other.close()]));

  it('lists every action newest first, page by page, and refuses a forged cursor', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => register(t)));
    for (const user of users) expectStatus(await admin(t, boss).suspend(user.user.id, { reason: 'r' }), 200);
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditItem[]; nextCursor: string | null } = expectStatus(
        await admin(other, boss).audit(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // The newest five, then the rows of the role changes above: every row once, newest first.
    expect(seen.slice(0, 5).map((row) => row.targetId)).toEqual(users.map((user) => user.user.id).reverse());
    expect(new Set(seen.map((row) => row.id)).size).toBe(seen.length);
    const times = seen.map((row) => row.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(seen[0]).toEqual({
      id: expect.any(String),
      actorId: boss.user.id,
      action: 'user.suspended',
      targetType: 'user',
      targetId: users[4].user.id,
      details: { until: null, reason: 'r', sessionsRevoked: 1 },
      ip: expect.any(String),
      createdAt: expect.any(String),
    });
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    for (const bad of [forged, '!!!', 'a'.repeat(600)]) {
      expect((await admin(t, boss).audit(`?cursor=${bad}`)).status).toBe(400);
    }
    expect((await admin(t, users[0]).audit()).status).toBe(401);
    const plain = await register(t);
    expect((await admin(t, plain).audit()).json().code).toBe('FORBIDDEN');
  });
});
