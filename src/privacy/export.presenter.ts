import type { ExportRow, ExportStatus } from './exports.repository.js';

/** An export as its owner sees it: `url` and `urlExpiresAt` once it is ready. */
export interface ExportView {
  id: string;
  status: ExportStatus;
  createdAt: string;
  completedAt: string | null;
  /** When the archive is deleted (ready ones), or was (expired ones). */
  expiresAt: string | null;
  /** The archive's size in bytes. */
  size: number | null;
  url?: string;
  urlExpiresAt?: string;
}

/** What the export is now: a ready archive past its time is expired, even before the sweep deletes it. */
export function statusOf(row: Pick<ExportRow, 'status' | 'expiresAt'>, now = new Date()): ExportStatus {
  if (row.status === 'ready' && row.expiresAt !== null && row.expiresAt <= now) return 'expired';
  return row.status;
}

export function toExportView(row: ExportRow, link?: { url: string; expiresAt: Date }, now = new Date()): ExportView {
  return {
    id: row.id,
    status: statusOf(row, now),
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    size: row.size === null ? null : Number(row.size),
    ...(link && { url: link.url, urlExpiresAt: link.expiresAt.toISOString() }),
  };
}
