import type { AuditRow } from './audit.repository.js';

/** An audit row as `GET /admin/audit` shows it. */
export interface AuditView {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

export const toAuditView = (row: AuditRow): AuditView => ({
  id: row.id,
  actorId: row.actorId,
  action: row.action,
  targetType: row.targetType,
  targetId: row.targetId,
  details: (row.details ?? {}) as Record<string, unknown>,
  ip: row.ip,
  createdAt: row.createdAt.toISOString(),
});
