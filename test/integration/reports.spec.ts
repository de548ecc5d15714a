import { randomUUID } from 'node:crypto';
import { ADMIN_SETTINGS, admin, fileReport, registerAdmin } from '../support/admin-client.js';
import { freshAddress, login, me, newAccount, register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTestApp, startTwoTestApps, type TestApp } from '../support/test-app.js';

const PASSWORD = newAccount().password;

interface Report {
  id: string;
  messageId: string | null;
  conversationId: string | null;
  userId: string;
  reason: string;
  note: string | null;
  status: string;
}

describe('reporting messages and users', () => {
  let one: TestApp;
  let two: TestApp;
  let boss: SignedIn;

  beforeAll(async () => {
    [one, two] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(one);
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  /** A group of ann (owner), bob and cat, with one message from bob. */
  const scene = async () => {
    const [ann, bob, cat, outsider] = await Promise.all([1, 2, 3, 4].map(() => register(one)));
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob, cat]), 201).id;
    const message = expectStatus<{ id: string; seq: number }>(await chat(one, bob).send(group, 'buy pills'), 201);
    return { ann, bob, cat, outsider, group, message };
  };

  it('files a report of a message a member can see, naming its sender, and keeps it from the admins as reported', async () => {
    const { ann, bob, group, message } = await scene();
    const response = await fileReport(two, ann, { messageId: message.id, reason: 'spam', note: 'again' });
    expect(response.status).toBe(201);
    const report = response.json<Report>();
    expect(report).toEqual({
      id: expect.any(String),
      messageId: message.id,
      conversationId: group,
      userId: bob.user.id,
      reason: 'spam',
      note: 'again',
      status: 'open',
      createdAt: expect.any(String),
    });
    expectStatus(await chat(one, bob).call('PATCH', `/${group}/messages/${message.id}`, { body: 'innocent' }), 200);
    const open = expectStatus(await admin(one, boss).reports(), 200);
    expect(open.items.find((item: Report) => item.id === report.id)).toMatchObject({
      reporterId: ann.user.id,
      messageBody: 'buy pills',
      resolution: null,
    });
  });

  it('answers 404 as for an unknown message to outsiders, removed members and members who hid it', async () => {
    const { ann, bob, cat, outsider, group, message } = await scene();
    expectStatus(await chat(one, ann).call('DELETE', `/${group}/members/${cat.user.id}`), 204);
    const unknown = await fileReport(one, outsider, { messageId: randomUUID(), reason: 'spam' });
    expect(unknown.status).toBe(404);
    for (const who of [outsider, cat]) {
      const response = await fileReport(one, who, { messageId: message.id, reason: 'spam' });
      expect(response.status).toBe(404);
      expect(response.json().code).toBe(unknown.json().code);
      expect(response.json().message).toBe(unknown.json().message);
    }
    expectStatus(await chat(one, ann).call('DELETE', `/${group}`), 204);
    expect((await fileReport(one, ann, { messageId: message.id, reason: 'spam' })).status).toBe(404);
    // A message sent after hiding is visible again.
    const later = expectStatus<{ id: string }>(await chat(one, bob).send(group, 'later'), 201);
    expect((await fileReport(one, ann, { messageId: later.id, reason: 'abuse' })).status).toBe(201);
  });

  it('refuses reports of oneself, of deleted messages and unknown users, and malformed ones', async () => {
    const { ann, bob, group, message } = await scene();
    const own = await fileReport(one, bob, { messageId: message.id, reason: 'spam' });
    expect(own.json()).toMatchObject({ statusCode: 400, code: 'CANNOT_REPORT_SELF' });
    expect((await fileReport(one, bob, { userId: bob.user.id, reason: 'spam' })).json().code).toBe(
      'CANNOT_REPORT_SELF',
    );
    expect((await fileReport(one, ann, { userId: randomUUID(), reason: 'spam' })).json().code).toBe('USER_NOT_FOUND');
    const deleted = expectStatus<{ id: string }>(await chat(one, bob).send(group, 'oops'), 201);
    expectStatus(await chat(one, bob).call('DELETE', `/${group}/messages/${deleted.id}`), 204);
    expect((await fileReport(one, ann, { messageId: deleted.id, reason: 'spam' })).json().code).toBe('MESSAGE_DELETED');
    const malformed: unknown[] = [
      { reason: 'spam' },
      { messageId: message.id, userId: bob.user.id, reason: 'spam' },
      { messageId: message.id, reason: 'boring' },
      { messageId: message.id },
      { messageId: 'not-a-uuid', reason: 'spam' },
      { userId: bob.user.id, reason: 'spam', note: 'x'.repeat(1001) },
      { userId: bob.user.id, reason: 'spam', note: 'nul\u0000byte' },
      { userId: bob.user.id, reason: ['spam'] },
      'not json',
    ];
    for (const body of malformed) {
      const response = await fileReport(one, ann, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect((await admin(one, boss).reports()).json().items.filter((r: Report) => r.userId === bob.user.id)).toEqual([]);
  });

  it('keeps one open report per reporter and target, however many race, and allows a new one once resolved', async () => {
    const { ann, bob, cat, message } = await scene();
    const racing = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        fileReport(i % 2 ? one : two, ann, { messageId: message.id, reason: 'spam' }),
      ),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(racing.map((response) => response.json<Report>().id));
    expect(ids.size).toBe(1);
    // Another reporter, and the same reporter about the sender (not the message), are other reports.
    expect((await fileReport(one, cat, { messageId: message.id, reason: 'spam' })).status).toBe(201);
    const aboutUser = expectStatus<Report>(
      await fileReport(one, ann, { userId: bob.user.id, reason: 'harassment' }),
      201,
    );
    const again = await fileReport(one, ann, { userId: bob.user.id, reason: 'other', note: 'more' });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ id: aboutUser.id, reason: 'harassment', note: null });

    expectStatus(await admin(one, boss).resolve(aboutUser.id, { action: 'dismiss' }), 200);
    const fresh = expectStatus<Report>(await fileReport(one, ann, { userId: bob.user.id, reason: 'other' }), 201);
    expect(fresh.id).not.toBe(aboutUser.id);
  });

  it('is limited per user (REPORTS_PER_MINUTE_PER_USER)', async () => {
    const t = await startTestApp({ REPORTS_PER_MINUTE_PER_USER: 2 });
    try {
      const [ann, ...others] = await Promise.all([1, 2, 3, 4].map(() => register(t)));
      const statuses = [];
      for (const other of others)
        statuses.push((await fileReport(t, ann, { userId: other.user.id, reason: 'spam' })).status);
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('resolving reports', () => {
  let one: TestApp;
  let two: TestApp;
  let boss: SignedIn;
  let deputy: SignedIn;
  const { connect } = socketsClosedAfterEach();

  beforeAll(async () => {
    [one, two] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(one);
    deputy = await registerAdmin(one);
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  const scene = async () => {
    const [ann, cat] = await Promise.all([register(one), register(one)]);
    const bob = await register(one, newAccount('bob'));
    const group = expectStatus<{ id: string }>(await chat(one, ann).createGroup('g', [bob, cat]), 201).id;
    const message = expectStatus<{ id: string; seq: number }>(await chat(one, bob).send(group, 'buy pills'), 201);
    const report = expectStatus<Report>(await fileReport(one, ann, { messageId: message.id, reason: 'spam' }), 201);
    return { ann, bob, cat, group, message, report };
  };

  it('delete_message tombstones the message for the members on both instances, and audits both parts', async () => {
    const { ann, cat, group, message, report } = await scene();
    expectStatus(await chat(one, ann).call('PUT', `/${group}/pins/${message.id}`), 200);
    const annSocket = await connect(one, ann);
    const catSocket = await connect(two, cat);
    const deletions = [collect(annSocket, 'message.deleted'), collect(catSocket, 'message.deleted')];
    const pins = collect(catSocket, 'pins.updated');

    const resolved = expectStatus(
      await admin(two, boss).resolve(report.id, { action: 'delete_message', note: 'clear spam' }),
      200,
    );
    expect(resolved).toMatchObject({
      id: report.id,
      status: 'resolved',
      resolution: { action: 'delete_message', note: 'clear spam', resolvedBy: boss.user.id },
    });
    for (const events of deletions) {
      await events.until((items) => items.length === 1);
      expect(events.received).toEqual([{ conversationId: group, messageId: message.id, seq: message.seq }]);
    }
    await pins.until((items) => items.length === 1);
    for (const t of [one, two]) {
      const page = expectStatus(await chat(t, cat).messages(group), 200);
      expect(page.items.find((item: { id: string }) => item.id === message.id)).toMatchObject({
        body: '',
        deletedAt: expect.any(String),
      });
    }
    expect(expectStatus(await chat(one, ann).call('GET', `/${group}/pins`), 200).items).toEqual([]);
    const as = admin(one, boss);
    expect(await as.auditOf(message.id)).toEqual([
      expect.objectContaining({
        action: 'message.deleted',
        actorId: boss.user.id,
        details: expect.objectContaining({ reportId: report.id }),
      }),
    ]);
    expect(await as.auditOf(report.id)).toEqual([
      expect.objectContaining({
        action: 'report.resolved',
        details: expect.objectContaining({ action: 'delete_message' }),
      }),
    ]);
    expect(expectStatus(await as.reports('?status=resolved'), 200).items.map((item: Report) => item.id)).toContain(
      report.id,
    );
    expect(expectStatus(await as.reports(), 200).items.map((item: Report) => item.id)).not.toContain(report.id);
  });

  it('suspend_user suspends the sender: their socket closes and they cannot sign in', async () => {
    const { bob, report } = await scene();
    const bobSocket = await connect(two, bob);
    const closed = new Promise<string>((resolve) => bobSocket.on('disconnect', (reason) => resolve(reason)));
    const resolved = expectStatus(
      await admin(one, boss).resolve(report.id, { action: 'suspend_user', note: 'repeat offender' }),
      200,
    );
    expect(resolved.resolution).toMatchObject({ action: 'suspend_user' });
    expect(await closed).toBe('io server disconnect');
    expect((await me(one, bob.accessToken)).status).toBe(401);
    expect((await login(one, bob.user.username, PASSWORD, freshAddress())).json().code).toBe('ACCOUNT_SUSPENDED');
    const [suspension] = await admin(one, boss).auditOf(bob.user.id);
    expect(suspension).toMatchObject({ action: 'user.suspended', details: { reportId: report.id } });
    expect(suspension.details.reason).toContain('Reported for spam: repeat offender');
    const listed = expectStatus(await admin(one, boss).users(`?search=${bob.user.username}`), 200);
    expect(listed.items[0].suspension).toMatchObject({ until: null });
  });

  it('dismiss changes nothing else; a resolved report cannot be resolved again, and a racing second resolution does nothing', async () => {
    const { bob, group, message, report } = await scene();
    expectStatus(await admin(one, boss).resolve(report.id, { action: 'dismiss' }), 200);
    const again = await admin(two, boss).resolve(report.id, { action: 'delete_message' });
    expect(again.status).toBe(409);
    expect(again.json().code).toBe('REPORT_ALREADY_RESOLVED');
    expect(expectStatus(await chat(one, bob).messages(group), 200).items[0]).toMatchObject({
      id: message.id,
      deletedAt: null,
    });

    const other = await scene();
    const racing = await Promise.all([
      admin(one, boss).resolve(other.report.id, { action: 'delete_message' }),
      admin(two, boss).resolve(other.report.id, { action: 'suspend_user' }),
    ]);
    expect(racing.map((response) => response.status).sort()).toEqual([200, 409]);
    const winner = racing.find((response) => response.status === 200)!.json().resolution.action;
    expect(await admin(one, boss).auditOf(other.report.id)).toHaveLength(1);
    const suspendedRows = await admin(one, boss).auditOf(other.bob.user.id);
    const deletedRows = await admin(one, boss).auditOf(other.message.id);
    expect({ suspendedRows: suspendedRows.length, deletedRows: deletedRows.length }).toEqual(
      winner === 'suspend_user' ? { suspendedRows: 1, deletedRows: 0 } : { suspendedRows: 0, deletedRows: 1 },
    );
    const bobCanSignIn = (await login(one, other.bob.user.username, PASSWORD, freshAddress())).status;
    expect(bobCanSignIn).toBe(winner === 'suspend_user' ? 403 : 200);
  });

  it('writes nothing when the resolution fails: the report stays open and no audit row is left', async () => {
    const { ann, bob, report } = await scene();
    const aboutUser = expectStatus<Report>(await fileReport(one, bob, { userId: ann.user.id, reason: 'abuse' }), 201);
    const aboutAdmin = expectStatus<Report>(
      await fileReport(one, ann, { userId: deputy.user.id, reason: 'abuse' }),
      201,
    );
    const aboutBoss = expectStatus<Report>(await fileReport(one, ann, { userId: boss.user.id, reason: 'abuse' }), 201);
    const as = admin(one, boss);
    const failures: [string, unknown, number, string][] = [
      [aboutUser.id, { action: 'delete_message' }, 400, 'VALIDATION_FAILED'],
      [aboutAdmin.id, { action: 'suspend_user' }, 403, 'CANNOT_SUSPEND_ADMIN'],
      [aboutBoss.id, { action: 'suspend_user' }, 400, 'CANNOT_SUSPEND_SELF'],
      [report.id, { action: 'dismiss', until: new Date(Date.now() + 60_000).toISOString() }, 400, 'VALIDATION_FAILED'],
      [
        report.id,
        { action: 'suspend_user', until: new Date(Date.now() - 60_000).toISOString() },
        400,
        'VALIDATION_FAILED',
      ],
      [report.id, { action: 'ban' }, 400, 'VALIDATION_FAILED'],
      [report.id, { action: 'dismiss', note: 'x'.repeat(401) }, 400, 'VALIDATION_FAILED'],
      [randomUUID(), { action: 'dismiss' }, 404, 'REPORT_NOT_FOUND'],
    ];
    for (const [id, body, status, code] of failures) {
      const response = await as.resolve(id, body);
      expect({ body, status: response.status, code: response.json().code }).toEqual({ body, status, code });
    }
    const open = expectStatus(await as.reports('?limit=100'), 200).items.map((item: Report) => item.id);
    expect(open).toEqual(expect.arrayContaining([report.id, aboutUser.id, aboutAdmin.id, aboutBoss.id]));
    for (const id of [
      report.id,
      aboutUser.id,
      aboutAdmin.id,
      aboutBoss.id,
      ann.user.id,
      boss.user.id,
      deputy.user.id,
    ]) {
      expect(await as.auditOf(id)).toEqual([]);
    }
    expect((await me(one, ann.accessToken)).status).toBe(200);
  });

  it('pages the reports newest first and refuses a bad status or cursor', async () => {
    const scenes = [await scene(), await scene(), await scene()];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Report[]; nextCursor: string | null } = expectStatus(
        await admin(one, boss).reports(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    const mine = scenes.map((s) => s.report.id).reverse();
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await admin(one, boss).reports('?status=closed')).status).toBe(400);
    expect((await admin(one, boss).reports('?cursor=abc')).status).toBe(400);
  });
});

describe('deleting any message as an admin', () => {
  let one: TestApp;
  let two: TestApp;
  let boss: SignedIn;
  const { connect } = socketsClosedAfterEach();

  beforeAll(async () => {
    [one, two] = await startTwoTestApps(ADMIN_SETTINGS);
    boss = await registerAdmin(one);
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('tombstones it for the members on both instances, once, and audits it once', async () => {
    const [ann, bob] = await Promise.all([register(one), register(one)]);
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const message = expectStatus<{ id: string; seq: number }>(await chat(one, ann).send(direct, 'hello'), 201);
    const events = [
      collect(await connect(one, ann), 'message.deleted'),
      collect(await connect(two, bob), 'message.deleted'),
    ];
    const from = { 'x-forwarded-for': '203.0.113.9' };

    expect((await admin(two, boss).call('DELETE', `/messages/${message.id}`, undefined, from)).status).toBe(204);
    for (const received of events) {
      await received.until((items) => items.length === 1);
      expect(received.received).toEqual([{ conversationId: direct, messageId: message.id, seq: message.seq }]);
    }
    const synced = expectStatus(await chat(two, bob).sync(direct), 200);
    expect(synced.items).toEqual([
      expect.objectContaining({ id: message.id, body: '', deletedAt: expect.any(String) }),
    ]);
    expect((await admin(one, boss).deleteMessage(message.id)).status).toBe(204);
    expect(await admin(one, boss).auditOf(message.id)).toEqual([
      expect.objectContaining({
        actorId: boss.user.id,
        action: 'message.deleted',
        targetType: 'message',
        ip: '203.0.113.9',
        details: { conversationId: direct, senderId: ann.user.id, seq: message.seq },
      }),
    ]);
  });

  it('answers 404 for an unknown message and 403 for a non-admin, deleting nothing', async () => {
    const [ann, bob] = await Promise.all([register(one), register(one)]);
    const direct = expectStatus<{ id: string }>(await chat(one, ann).openDirect(bob), 201).id;
    const message = expectStatus<{ id: string }>(await chat(one, ann).send(direct, 'mine'), 201);
    const unknown = randomUUID();
    expect((await admin(one, boss).deleteMessage(unknown)).json().code).toBe('MESSAGE_NOT_FOUND');
    for (const who of [ann, bob]) {
      const response = await admin(one, who).deleteMessage(message.id);
      expect(response.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    }
    expect(expectStatus(await chat(one, bob).messages(direct), 200).items[0]).toMatchObject({
      body: 'mine',
      deletedAt: null,
    });
    expect(await admin(one, boss).auditOf(unknown)).toEqual([]);
    expect(await admin(one, boss).auditOf(message.id)).toEqual([]);
  });
});
