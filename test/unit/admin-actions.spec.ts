import { jest } from '@jest/globals';
import type { AdminUserSource } from '#src/admin-users/admin-user.presenter.js';
import { SuspensionsService } from '#src/admin-users/suspensions.service.js';
import type { AuditRecord, AuditRepository } from '#src/admin/audit.repository.js';
import { AuthService } from '#src/auth/auth.service.js';
import { SessionsService } from '#src/auth/sessions.service.js';
import { TokensService } from '#src/auth/tokens.service.js';
import type { ReportSource } from '#src/reports/report.presenter.js';
import { ReportReview } from '#src/reports/report-review.service.js';
import { ReportsService } from '#src/reports/reports.service.js';
import { messageNotFound } from '#src/messages/messages.errors.js';
import type { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import { T0, aMessage, aSession, aUser, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [boss, eve, ann] = newIds(3);
const actor = { userId: boss, ip: '203.0.113.5' };
const TX = { tx: true };
/** A PrismaService whose transactions run their callback with TX, and commit only when it resolves. */
const transactions = () => ({ $transaction: (work: (tx: unknown) => Promise<unknown>) => work(TX) });

const target = (overrides: Partial<AdminUserSource> = {}): AdminUserSource => ({
  id: eve,
  email: 'eve@example.com',
  username: 'eve',
  displayName: null,
  role: 'user',
  createdAt: T0,
  deletedAt: null,
  suspendedAt: null,
  suspendedUntil: null,
  suspensionReason: null,
  ...overrides,
});

describe('SuspensionsService', () => {
  const suspending = (row: AdminUserSource | null, isAdmin = false) =>
    newTestService(SuspensionsService, {
      PrismaService: transactions(),
      AdminUsersRepository: { lockActive: () => Promise.resolve(row), setSuspension: () => Promise.resolve() },
      SessionsService: {
        revokeAllWithin: () => Promise.resolve(['s1', 's2']),
        revoked: () => Promise.resolve(),
      },
      AuditRepository: { record: jest.fn<AuditRepository['record']>(() => Promise.resolve()) },
      AdminAccess: { isAdminAccount: () => isAdmin },
      WebhookEvents: {
        record: jest.fn<WebhookEvents['record']>(() => Promise.resolve(1)),
        deliverSoon: () => undefined,
      },
    });

  it('writes the suspension, revokes the sessions and audits in one transaction, then tells Redis and the sockets', async () => {
    const { subject, fakes } = await suspending(target());
    const order: string[] = [];
    fakes.AdminUsersRepository.setSuspension.mockImplementation(() => (order.push('suspend'), Promise.resolve()));
    fakes.SessionsService.revokeAllWithin.mockImplementation(() => (order.push('revoke'), Promise.resolve(['s1'])));
    fakes.AuditRepository.record.mockImplementation(() => (order.push('audit'), Promise.resolve()));
    fakes.SessionsService.revoked.mockImplementation(() => (order.push('after commit'), Promise.resolve()));
    fakes.WebhookEvents.record.mockImplementation(() => (order.push('webhook'), Promise.resolve(1)));
    const alongside = jest.fn(() => (order.push('alongside'), Promise.resolve()));

    const view = await subject.suspend(actor, eve, { reason: 'spam' }, { alongside, details: { reportId: 'r' } });
    expect(order).toEqual(['suspend', 'revoke', 'audit', 'alongside', 'webhook', 'after commit']);
    expect(fakes.WebhookEvents.record).toHaveBeenCalledWith(TX, 'user.suspended', {
      occurredAt: expect.any(Date),
      data: { userId: eve, until: null, reason: 'spam', actorId: boss },
    });
    expect(fakes.WebhookEvents.deliverSoon).toHaveBeenCalled();
    expect(fakes.AdminUsersRepository.lockActive).toHaveBeenCalledWith(TX, eve);
    expect(fakes.SessionsService.revokeAllWithin).toHaveBeenCalledWith(TX, eve);
    expect(alongside).toHaveBeenCalledWith(TX);
    expect(fakes.SessionsService.revoked).toHaveBeenCalledWith(eve, ['s1']);
    expect(fakes.AuditRepository.record.mock.calls[0][1]).toEqual<AuditRecord>({
      actorId: boss,
      ip: actor.ip,
      action: 'user.suspended',
      targetType: 'user',
      targetId: eve,
      details: { until: null, reason: 'spam', sessionsRevoked: 1, reportId: 'r' },
    });
    expect(view).toMatchObject({ id: eve, admin: false, suspension: { until: null, reason: 'spam' } });
  });

  it('refuses an admin target inside the transaction, before writing anything', async () => {
    const { subject, fakes } = await suspending(target({ role: 'admin' }), true);
    await expect(subject.suspend(actor, eve, { reason: 'x' })).rejects.toMatchObject({ code: 'CANNOT_SUSPEND_ADMIN' });
    expect(fakes.AdminUsersRepository.setSuspension).not.toHaveBeenCalled();
    expect(fakes.AuditRepository.record).not.toHaveBeenCalled();
    expect(fakes.SessionsService.revoked).not.toHaveBeenCalled();
  });

  it('refuses oneself and a past until before opening a transaction, and a gone account inside it', async () => {
    const { subject, fakes } = await suspending(null);
    await expect(subject.suspend(actor, boss, { reason: 'x' })).rejects.toMatchObject({ code: 'CANNOT_SUSPEND_SELF' });
    await expect(subject.suspend(actor, eve, { reason: 'x', until: '2000-01-01T00:00:00.000Z' })).rejects.toMatchObject(
      { code: 'VALIDATION_FAILED' },
    );
    expect(fakes.AdminUsersRepository.lockActive).not.toHaveBeenCalled();
    await expect(subject.suspend(actor, eve, { reason: 'x' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(fakes.AuditRepository.record).not.toHaveBeenCalled();
  });

  it('unsuspends only what is in force: an ended suspension is answered as it is, unaudited', async () => {
    const ended = target({ suspendedAt: T0, suspendedUntil: new Date(T0.getTime() + 1000), suspensionReason: 'x' });
    const { subject, fakes } = await suspending(ended);
    await expect(subject.unsuspend(actor, eve)).resolves.toMatchObject({ suspension: null });
    expect(fakes.AdminUsersRepository.setSuspension).not.toHaveBeenCalled();
    expect(fakes.AuditRepository.record).not.toHaveBeenCalled();

    const { subject: again, fakes: more } = await suspending(target({ suspendedAt: T0, suspensionReason: 'x' }));
    await expect(again.unsuspend(actor, eve)).resolves.toMatchObject({ suspension: null });
    expect(more.AdminUsersRepository.setSuspension).toHaveBeenCalledWith(TX, eve, null);
    expect(more.AuditRepository.record.mock.calls[0][1]).toMatchObject({ action: 'user.unsuspended', targetId: eve });
  });
});

describe('signing in to a suspended account', () => {
  const suspended = aUser({ id: eve, suspendedAt: T0, suspendedUntil: null, suspensionReason: 'spam' });
  const signingIn = (valid: boolean) =>
    newTestService(AuthService, {
      UsersService: { findByLogin: () => Promise.resolve(suspended) },
      PasswordHasher: { verify: () => Promise.resolve(valid) },
      LoginAttempts: { reserve: () => Promise.resolve({ succeeded: () => Promise.resolve() }) },
      AuthMetrics: { login: () => undefined },
    });

  it('answers 403 ACCOUNT_SUSPENDED with the right password and opens no session', async () => {
    const { subject } = await signingIn(true);
    await expect(subject.login({ login: 'eve', password: 'right' }, { ip: '203.0.113.1' })).rejects.toMatchObject({
      status: 403,
      code: 'ACCOUNT_SUSPENDED',
    });
  });

  it('answers a wrong password as for any account: 401 INVALID_CREDENTIALS, the suspension unsaid', async () => {
    const { subject } = await signingIn(false);
    await expect(subject.login({ login: 'eve', password: 'wrong' }, { ip: '203.0.113.1' })).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('refuses the session a sign-in opens after a suspension it raced, with 403', async () => {
    const until = new Date(T0.getTime() + 60_000);
    const { subject } = await newTestService(SessionsService, {
      SessionRepository: {
        openUnlessSuspended: () => Promise.resolve({ suspension: { since: T0, until, reason: 'x' } }),
      },
    });
    await expect(subject.open({ userId: eve, ip: '203.0.113.1' })).rejects.toMatchObject({
      code: 'ACCOUNT_SUSPENDED',
      message: `This account is suspended until ${until.toISOString()}`,
    });
  });

  it('answers a refresh of a session that ended with its account suspended: 403, else 401', async () => {
    const revoked = aSession({ userId: eve, revokedAt: T0 });
    const refreshing = (suspension: object | null) =>
      newTestService(
        AuthService,
        {
          JwtService: {},
          SessionRepository: { findById: () => Promise.resolve(revoked) },
          UsersService: { suspensionOf: () => Promise.resolve(suspension) },
        },
        { real: [SessionsService, TokensService], settings: { JWT_SECRET: 'k'.repeat(32) } },
      );
    const { subject: tokens } = await newTestService(TokensService, {}, { settings: { JWT_SECRET: 'k'.repeat(32) } });
    const token = tokens.mintRefresh(revoked.id, 0);
    const suspendedNow = await refreshing({ since: T0, until: null, reason: 'x' });
    await expect(suspendedNow.subject.refresh(token)).rejects.toMatchObject({ status: 403, code: 'ACCOUNT_SUSPENDED' });
    const notSuspended = await refreshing(null);
    await expect(notSuspended.subject.refresh(token)).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

const aReport = (overrides: Partial<ReportSource> = {}): ReportSource => ({
  id: 'report-1',
  reporterId: ann,
  userId: eve,
  messageId: 'message-1',
  conversationId: 'conversation-1',
  messageBody: 'buy pills',
  reason: 'spam',
  note: null,
  status: 'open',
  resolution: null,
  resolutionNote: null,
  resolvedBy: null,
  resolvedAt: null,
  createdAt: T0,
  ...overrides,
});

describe('ReportsService', () => {
  const reporting = (message = aMessage({ senderId: eve }), open: ReportSource | null = null) =>
    newTestService(ReportsService, {
      PrismaService: transactions(),
      ReportsRepository: {
        findOpen: () => Promise.resolve(open),
        create: (_tx: unknown, report: object) => Promise.resolve(aReport(report)),
      },
      MessagesService: { findVisibleById: () => Promise.resolve(message) },
      UsersService: { activeIds: (ids: string[]) => Promise.resolve(new Set(ids)) },
      WebhookEvents: {
        record: jest.fn<WebhookEvents['record']>(() => Promise.resolve(1)),
        deliverSoon: () => undefined,
      },
    });

  it('stores a message report naming its sender and the body as reported', async () => {
    const message = aMessage({ senderId: eve, body: 'buy pills' });
    const { subject, fakes } = await reporting(message);
    const { created } = await subject.create(ann, { messageId: message.id, reason: 'spam' });
    expect(created).toBe(true);
    expect(fakes.ReportsRepository.create).toHaveBeenCalledWith(TX, {
      reporterId: ann,
      userId: eve,
      messageId: message.id,
      conversationId: message.conversationId,
      messageBody: 'buy pills',
      reason: 'spam',
      note: null,
    });
    expect(fakes.WebhookEvents.record).toHaveBeenCalledWith(TX, 'report.created', {
      eventId: expect.any(String),
      data: expect.objectContaining({ reason: 'spam' }),
    });
  });

  it('answers the open report of the same target instead of a second one', async () => {
    const existing = aReport();
    const { subject, fakes } = await reporting(aMessage({ senderId: eve }), existing);
    await expect(subject.create(ann, { messageId: 'message-1', reason: 'abuse' })).resolves.toMatchObject({
      created: false,
      report: { id: existing.id, reason: 'spam' },
    });
    expect(fakes.ReportsRepository.create).not.toHaveBeenCalled();
    expect(fakes.WebhookEvents.record).not.toHaveBeenCalled();
  });

  it('refuses one’s own message, a deleted one, and passes on what the reporter cannot see', async () => {
    const own = await reporting(aMessage({ senderId: ann }));
    await expect(own.subject.create(ann, { messageId: 'm', reason: 'spam' })).rejects.toMatchObject({
      code: 'CANNOT_REPORT_SELF',
    });
    const deleted = await reporting(aMessage({ senderId: eve, deletedAt: T0 }));
    await expect(deleted.subject.create(ann, { messageId: 'm', reason: 'spam' })).rejects.toMatchObject({
      code: 'MESSAGE_DELETED',
    });
    const hidden = await reporting();
    hidden.fakes.MessagesService.findVisibleById.mockImplementation(() => Promise.reject(messageNotFound()));
    await expect(hidden.subject.create(ann, { messageId: 'm', reason: 'spam' })).rejects.toMatchObject({
      status: 404,
      code: 'MESSAGE_NOT_FOUND',
    });
    for (const { fakes } of [own, deleted, hidden]) expect(fakes.ReportsRepository.create).not.toHaveBeenCalled();
  });
});

describe('ReportReview', () => {
  const reviewing = (report: ReportSource | null, resolves = true) =>
    newTestService(ReportReview, {
      PrismaService: transactions(),
      ReportsRepository: { findById: () => Promise.resolve(report), resolve: () => Promise.resolve(resolves) },
      AuditRepository: { record: jest.fn<AuditRepository['record']>(() => Promise.resolve()) },
      MessageModeration: {
        delete: (_actor: unknown, _id: string, alongside: (tx: unknown) => Promise<void>) => alongside(TX),
      },
      SuspensionsService: {
        suspend: (
          _actor: unknown,
          _id: string,
          _request: unknown,
          context: { alongside: (tx: unknown) => Promise<void>; details?: object },
        ) => context.alongside(TX),
      },
    });

  it('deletes the reported message with the resolution in its transaction', async () => {
    const { subject, fakes } = await reviewing(aReport());
    await subject.resolve(actor, 'report-1', { action: 'delete_message' });
    expect(fakes.MessageModeration.delete).toHaveBeenCalledWith(actor, 'message-1', expect.any(Function), {
      reportId: 'report-1',
    });
    expect(fakes.ReportsRepository.resolve).toHaveBeenCalledWith(TX, 'report-1', {
      action: 'delete_message',
      note: null,
      resolvedBy: boss,
    });
    expect(fakes.AuditRepository.record.mock.calls[0]).toEqual([
      TX,
      expect.objectContaining({ action: 'report.resolved', targetType: 'report', targetId: 'report-1' }),
    ]);
  });

  it('suspends the reported user, the suspension naming the report', async () => {
    const { subject, fakes } = await reviewing(aReport());
    await subject.resolve(actor, 'report-1', { action: 'suspend_user', note: 'again', until: null });
    const [, userId, request, context] = fakes.SuspensionsService.suspend.mock.calls[0];
    expect({ userId, request, details: context.details }).toEqual({
      userId: eve,
      request: { until: null, reason: 'Reported for spam: again (report report-1)' },
      details: { reportId: 'report-1' },
    });
  });

  it('fails the whole resolution when another one resolved the report first', async () => {
    const { subject, fakes } = await reviewing(aReport(), false);
    await expect(subject.resolve(actor, 'report-1', { action: 'dismiss' })).rejects.toMatchObject({
      status: 409,
      code: 'REPORT_ALREADY_RESOLVED',
    });
    expect(fakes.AuditRepository.record).not.toHaveBeenCalled();
  });

  it('touches nothing for a resolved or unknown report, or an action that does not fit', async () => {
    const resolved = await reviewing(aReport({ status: 'resolved' }));
    await expect(resolved.subject.resolve(actor, 'report-1', { action: 'dismiss' })).rejects.toMatchObject({
      code: 'REPORT_ALREADY_RESOLVED',
    });
    const unknown = await reviewing(null);
    await expect(unknown.subject.resolve(actor, 'x', { action: 'dismiss' })).rejects.toMatchObject({
      code: 'REPORT_NOT_FOUND',
    });
    const ofUser = await reviewing(aReport({ messageId: null, conversationId: null }));
    await expect(ofUser.subject.resolve(actor, 'report-1', { action: 'delete_message' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    for (const { fakes } of [resolved, unknown, ofUser]) {
      expect(fakes.ReportsRepository.resolve).not.toHaveBeenCalled();
      expect(fakes.MessageModeration.delete).not.toHaveBeenCalled();
      expect(fakes.SuspensionsService.suspend).not.toHaveBeenCalled();
    }
  });
});
