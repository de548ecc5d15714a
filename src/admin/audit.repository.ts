import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** What an audit row says: who did what to what, from where. */
export interface AuditRecord {
  /** null: the system itself (a suspension lifted at its `until`, retention). */
  actorId: string | null;
  action: string;
  targetType: 'user' | 'message' | 'conversation' | 'report' | 'webhook' | 'bot';
  targetId?: string | null;
  details?: Prisma.InputJsonObject;
  ip?: string | null;
}

export interface AuditRow {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Prisma.JsonValue;
  ip: string | null;
  createdAt: Date;
}

/** Where a page of the audit list starts: after this row, newest first. */
export interface AuditCursor {
  createdAt: Date;
  id: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes the row with the client of the action's own transaction, so the action and its audit
   * row are stored together or not at all.
   */
  async record(db: Prisma.TransactionClient, entry: AuditRecord): Promise<void> {
    await db.auditEntry.create({
      data: {
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: entry.details ?? {},
        ip: entry.ip ?? null,
      },
    });
  }

  /** Newest first; `limit + 1` rows tell the caller whether there is a next page. */
  page(limit: number, after?: AuditCursor): Promise<AuditRow[]> {
    return this.prisma.auditEntry.findMany({
      where: after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }
}
