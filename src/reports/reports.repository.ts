import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { ReportSource } from './report.presenter.js';
import type { ReportReason, ReportStatus, ReportTarget, ResolutionAction } from './report-rules.js';

export interface NewReport {
  reporterId: string;
  userId: string;
  messageId: string | null;
  conversationId: string | null;
  messageBody: string | null;
  reason: ReportReason;
  note: string | null;
}

export interface Resolution {
  action: ResolutionAction;
  note: string | null;
  resolvedBy: string;
}

/** Where a page of reports starts: after this row, newest first. */
export interface ReportCursor {
  createdAt: Date;
  id: string;
}

@Injectable()
export class ReportsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The reporter's open report of this target, if any (one of the two partial unique indexes). */
  findOpen(reporterId: string, target: ReportTarget): Promise<ReportSource | null> {
    const about =
      target.kind === 'message' ? { messageId: target.messageId } : { userId: target.userId, messageId: null };
    return this.prisma.report.findFirst({ where: { reporterId, status: 'open', ...about } });
  }

  /** Fails with a unique violation when the reporter already has an open report of the target. */
  create(tx: Prisma.TransactionClient, report: NewReport): Promise<ReportSource> {
    return tx.report.create({ data: report });
  }

  findById(id: string): Promise<ReportSource | null> {
    return this.prisma.report.findUnique({ where: { id } });
  }

  /** Newest first; `limit + 1` rows tell whether there is a next page. */
  page(status: ReportStatus, limit: number, after?: ReportCursor): Promise<ReportSource[]> {
    return this.prisma.report.findMany({
      where: {
        status,
        ...(after && {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  /**
   * Resolves the report if it is still open; false when it is not (another resolution committed
   * first: the row lock this takes makes the second one wait for it, then find it resolved).
   */
  async resolve(tx: Prisma.TransactionClient, id: string, resolution: Resolution): Promise<boolean> {
    const { count } = await tx.report.updateMany({
      where: { id, status: 'open' },
      data: {
        status: 'resolved',
        resolution: resolution.action,
        resolutionNote: resolution.note,
        resolvedBy: resolution.resolvedBy,
        resolvedAt: new Date(),
      },
    });
    return count === 1;
  }
}
