import { Injectable } from '@nestjs/common';
import type { AdminActor } from '#src/admin/admin-actor.js';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { SuspensionsService } from '#src/admin-users/suspensions.service.js';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { clipCodePoints } from '#src/common/validation/text-length.js';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { MessageModeration } from '#src/messages/message-moderation.service.js';
import type { ReportListDto } from './dto/report-list.dto.js';
import type { ReportResolveDto } from './dto/report-resolve.dto.js';
import { toAdminReportView, type AdminReportView, type ReportSource } from './report.presenter.js';
import { assertApplicable, reportedMessageId } from './report-rules.js';
import { reportAlreadyResolved, reportNotFound } from './reports.errors.js';
import { ReportsRepository } from './reports.repository.js';

const isReportCursor = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && isCursorTime(value[0]) && isCursorId(value[1]);

/** The length of `users.suspension_reason`. */
const SUSPENSION_REASON_MAX = 500;

/** System admins going through reports: the list, and resolving each one once. */
@Injectable()
export class ReportReview {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reports: ReportsRepository,
    private readonly audit: AuditRepository,
    private readonly moderation: MessageModeration,
    private readonly suspensions: SuspensionsService,
  ) {}

  async list(query: ReportListDto): Promise<Page<AdminReportView>> {
    const after = decodeCursor(query.cursor, isReportCursor);
    const rows = await this.reports.page(
      query.status,
      query.limit,
      after && { createdAt: new Date(after[0]), id: after[1] },
    );
    return toPage(rows, query.limit, toAdminReportView, (row) => [row.createdAt.toISOString(), row.id]);
  }

  /**
   * Resolves an open report with `action`, all in one transaction: the action (through the same
   * path as the admin route that does it alone, with its own audit row), the report's resolution
   * and its `report.resolved` audit row. When any part fails, none of it happens; of two
   * resolutions racing, the second finds the report resolved and does nothing (409).
   */
  async resolve(actor: AdminActor, reportId: string, dto: ReportResolveDto): Promise<AdminReportView> {
    const report = await this.reports.findById(reportId);
    if (!report) throw reportNotFound();
    if (report.status !== 'open') throw reportAlreadyResolved();
    assertApplicable(dto.action, report, dto.until);
    const settle = (tx: Prisma.TransactionClient) => this.settle(tx, actor, report, dto);
    const details = { reportId };
    switch (dto.action) {
      case 'dismiss':
        await this.prisma.$transaction(settle);
        break;
      case 'delete_message':
        await this.moderation.delete(actor, reportedMessageId(report), settle, details);
        break;
      case 'suspend_user':
        await this.suspensions.suspend(
          actor,
          report.userId,
          { until: dto.until, reason: suspensionReason(report, dto.note) },
          { alongside: settle, details },
        );
        break;
    }
    const resolved = await this.reports.findById(reportId);
    return toAdminReportView(resolved ?? report);
  }

  /** The report's own part of a resolution: resolved once, and audited. */
  private async settle(
    tx: Prisma.TransactionClient,
    actor: AdminActor,
    report: ReportSource,
    dto: ReportResolveDto,
  ): Promise<void> {
    const note = dto.note ?? null;
    if (!(await this.reports.resolve(tx, report.id, { action: dto.action, note, resolvedBy: actor.userId }))) {
      throw reportAlreadyResolved();
    }
    await this.audit.record(tx, {
      actorId: actor.userId,
      ip: actor.ip,
      action: 'report.resolved',
      targetType: 'report',
      targetId: report.id,
      details: {
        action: dto.action,
        note,
        reason: report.reason,
        userId: report.userId,
        messageId: report.messageId,
      },
    });
  }
}

/** Why a suspension from a report says it happened: the report's reason, and the admin's note. */
const suspensionReason = (report: ReportSource, note: string | undefined): string =>
  clipCodePoints(
    `Reported for ${report.reason}${note ? `: ${note}` : ''} (report ${report.id})`,
    SUSPENSION_REASON_MAX,
  );
