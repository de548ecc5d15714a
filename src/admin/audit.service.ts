import { Injectable } from '@nestjs/common';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { toAuditView, type AuditView } from './audit.presenter.js';
import { AuditRepository } from './audit.repository.js';

/** An audit cursor: the last row's time and id. */
const isAuditCursor = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && isCursorTime(value[0]) && isCursorId(value[1]);

/** Reading the audit log; rows are written by each action, in its own transaction. */
@Injectable()
export class AuditLog {
  constructor(private readonly audit: AuditRepository) {}

  async page(limit: number, cursor?: string): Promise<Page<AuditView>> {
    const after = decodeCursor(cursor, isAuditCursor);
    const rows = await this.audit.page(limit, after && { createdAt: new Date(after[0]), id: after[1] });
    return toPage(rows, limit, toAuditView, (row) => [row.createdAt.toISOString(), row.id]);
  }
}
