import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { isUniqueViolation } from '#src/infra/prisma/prisma-errors.js';
import { messageDeleted } from '#src/messages/messages.errors.js';
import { MessagesService } from '#src/messages/messages.service.js';
import { userNotFound } from '#src/users/users.errors.js';
import { UsersService } from '#src/users/users.service.js';
import { WebhookEvents } from '#src/webhooks/webhook-events.service.js';
import type { ReportCreateDto } from './dto/report-create.dto.js';
import { toReportView, type ReportView } from './report.presenter.js';
import { reportTarget, type ReportTarget } from './report-rules.js';
import { cannotReportSelf } from './reports.errors.js';
import { ReportsRepository, type NewReport } from './reports.repository.js';

/** Users reporting messages and other users. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reports: ReportsRepository,
    private readonly messages: MessagesService,
    private readonly users: UsersService,
    private readonly webhooks: WebhookEvents,
  ) {}

  /**
   * Files a report (`created`), or answers the reporter's open report of the same target as it is,
   * however many copies race. A message must be one the reporter can see (404 MESSAGE_NOT_FOUND as
   * for an unknown one otherwise); its body is kept as reported. The report is written in one
   * transaction with its `report.created` webhook event.
   */
  async create(reporterId: string, dto: ReportCreateDto): Promise<{ report: ReportView; created: boolean }> {
    const target = reportTarget(dto);
    const report = await this.describe(reporterId, target, dto);
    const existing = await this.reports.findOpen(reporterId, target);
    if (existing) return { report: toReportView(existing), created: false };
    try {
      const view = await this.prisma.$transaction(async (tx) => {
        const stored = toReportView(await this.reports.create(tx, report));
        await this.webhooks.record(tx, 'report.created', { eventId: stored.id, data: stored });
        return stored;
      });
      this.webhooks.deliverSoon();
      return { report: view, created: true };
    } catch (error) {
      // A copy of this report committed between the look-up and the insert.
      const raced = isUniqueViolation(error) ? await this.reports.findOpen(reporterId, target) : null;
      if (raced) return { report: toReportView(raced), created: false };
      throw error;
    }
  }

  /** The row a report of `target` stores, once the reporter may file it. */
  private async describe(reporterId: string, target: ReportTarget, dto: ReportCreateDto): Promise<NewReport> {
    const about = { reporterId, reason: dto.reason, note: dto.note ?? null };
    if (target.kind === 'user') {
      if (target.userId === reporterId) throw cannotReportSelf('userId');
      const active = await this.users.activeIds([target.userId]);
      if (!active.has(target.userId)) throw userNotFound();
      return { ...about, userId: target.userId, messageId: null, conversationId: null, messageBody: null };
    }
    const message = await this.messages.findVisibleById(reporterId, target.messageId);
    if (message.senderId === reporterId) throw cannotReportSelf('messageId');
    if (message.deletedAt) throw messageDeleted();
    return {
      ...about,
      userId: message.senderId,
      messageId: message.id,
      conversationId: message.conversationId,
      messageBody: message.body,
    };
  }
}
