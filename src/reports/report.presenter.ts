import type { ReportReason, ReportStatus, ResolutionAction } from './report-rules.js';

/** The columns of a report row. */
export interface ReportSource {
  id: string;
  reporterId: string;
  userId: string;
  messageId: string | null;
  conversationId: string | null;
  messageBody: string | null;
  reason: string;
  note: string | null;
  status: string;
  resolution: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

/** A report as its reporter sees it. */
export interface ReportView {
  id: string;
  /** The reported message, or null for a report of a user. */
  messageId: string | null;
  conversationId: string | null;
  /** The reported user, or the sender of the reported message. */
  userId: string;
  reason: ReportReason;
  note: string | null;
  status: ReportStatus;
  createdAt: string;
}

export interface ResolutionView {
  action: ResolutionAction;
  note: string | null;
  resolvedBy: string;
  resolvedAt: string;
}

/** A report as admins see it: who filed it, the message as it was reported, and how it was resolved. */
export interface AdminReportView extends ReportView {
  reporterId: string;
  messageBody: string | null;
  resolution: ResolutionView | null;
}

export const toReportView = (report: ReportSource): ReportView => ({
  id: report.id,
  messageId: report.messageId,
  conversationId: report.conversationId,
  userId: report.userId,
  reason: report.reason as ReportReason,
  note: report.note,
  status: report.status as ReportStatus,
  createdAt: report.createdAt.toISOString(),
});

export const toAdminReportView = (report: ReportSource): AdminReportView => ({
  ...toReportView(report),
  reporterId: report.reporterId,
  messageBody: report.messageBody,
  resolution:
    report.resolution && report.resolvedBy && report.resolvedAt
      ? {
          action: report.resolution as ResolutionAction,
          note: report.resolutionNote,
          resolvedBy: report.resolvedBy,
          resolvedAt: report.resolvedAt.toISOString(),
        }
      : null,
});
