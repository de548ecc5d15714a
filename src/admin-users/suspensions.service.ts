import { Injectable } from '@nestjs/common';
import { AdminAccess } from '#src/admin/admin-access.js';
import type { AdminActor } from '#src/admin/admin-actor.js';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { SessionsService } from '#src/auth/sessions.service.js';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { currentSuspension } from '#src/users/suspension.js';
import { userNotFound } from '#src/users/users.errors.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import { toAdminUserView, type AdminUserView } from './admin-user.presenter.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import { suspensionEnd, suspensionRefusal } from './suspension-rules.js';

export interface SuspensionRequest {
  /** ISO-8601, in the future; absent or null: until lifted. */
  until?: string | null;
  reason: string;
}

/** What a caller adds to a suspension: writes that commit with it (a report's resolution), and audit details. */
export interface SuspensionContext {
  alongside?: (tx: Prisma.TransactionClient) => Promise<void>;
  details?: Prisma.InputJsonObject;
}

/** Suspending and unsuspending accounts, each in one transaction with its audit row. */
@Injectable()
export class SuspensionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly users: AdminUsersRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditRepository,
    private readonly access: AdminAccess,
    private readonly webhooks: WebhookEvents,
  ) {}

  /**
   * Suspends the account (again: the new suspension replaces the one in force). One transaction
   * writes the suspension, revokes every session of the account and records `user.suspended` (in
   * the audit log and as a webhook event), with what `context.alongside` adds; then Redis refuses the sessions' tokens and their sockets close
   * on every instance. Sign-ins and refreshes answer 403 ACCOUNT_SUSPENDED until `until`.
   */
  async suspend(
    actor: AdminActor,
    userId: string,
    request: SuspensionRequest,
    context: SuspensionContext = {},
  ): Promise<AdminUserView> {
    const self = suspensionRefusal(actor.userId, userId, false);
    if (self) throw self;
    const now = new Date();
    const until = suspensionEnd(request.until, now);
    const { user, revoked } = await this.prisma.$transaction(async (tx) => {
      const target = await this.users.lockActive(tx, userId);
      if (!target) throw userNotFound();
      const refusal = suspensionRefusal(actor.userId, userId, this.access.isAdminAccount(target));
      if (refusal) throw refusal;
      const suspension = { at: now, until, reason: request.reason };
      await this.users.setSuspension(tx, userId, suspension);
      const sessionIds = await this.sessions.revokeAllWithin(tx, userId);
      await this.audit.record(tx, {
        actorId: actor.userId,
        ip: actor.ip,
        action: 'user.suspended',
        targetType: 'user',
        targetId: userId,
        details: {
          until: until?.toISOString() ?? null,
          reason: request.reason,
          sessionsRevoked: sessionIds.length,
          ...context.details,
        },
      });
      await context.alongside?.(tx);
      await this.webhooks.record(tx, 'user.suspended', {
        occurredAt: now,
        data: { userId, until: until?.toISOString() ?? null, reason: request.reason, actorId: actor.userId },
      });
      const suspended = { ...target, suspendedAt: now, suspendedUntil: until, suspensionReason: request.reason };
      return { user: suspended, revoked: sessionIds };
    });
    await this.sessions.revoked(userId, revoked);
    this.webhooks.deliverSoon();
    return toAdminUserView(user, false, now);
  }

  /**
   * Lifts the suspension in force, recording `user.unsuspended`; the sessions it revoked stay
   * revoked (the user signs in again). An account not suspended (never, or no longer) is answered
   * as it is, with no audit row.
   */
  async unsuspend(actor: AdminActor, userId: string): Promise<AdminUserView> {
    const now = new Date();
    const user = await this.prisma.$transaction(async (tx) => {
      const target = await this.users.lockActive(tx, userId);
      if (!target) throw userNotFound();
      const lifted = currentSuspension(target, now);
      if (!lifted) return target;
      await this.users.setSuspension(tx, userId, null);
      await this.audit.record(tx, {
        actorId: actor.userId,
        ip: actor.ip,
        action: 'user.unsuspended',
        targetType: 'user',
        targetId: userId,
        details: {
          since: lifted.since.toISOString(),
          until: lifted.until?.toISOString() ?? null,
          reason: lifted.reason,
        },
      });
      return { ...target, suspendedAt: null, suspendedUntil: null, suspensionReason: null };
    });
    return toAdminUserView(user, this.access.isAdminAccount(user), now);
  }
}
