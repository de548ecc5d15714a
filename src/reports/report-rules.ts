import { invalidField } from '#src/common/errors/common.errors.js';

/** Why a report is filed, as `reports.reason` holds it (a CHECK keeps it to these). */
export const REPORT_REASONS = ['spam', 'abuse', 'harassment', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_STATUSES = ['open', 'resolved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** How an admin resolves a report, as `reports.resolution` holds it. */
export const RESOLUTION_ACTIONS = ['dismiss', 'delete_message', 'suspend_user'] as const;
export type ResolutionAction = (typeof RESOLUTION_ACTIONS)[number];

/** What a report is about: a message (and so its sender), or a user. */
export type ReportTarget = { kind: 'message'; messageId: string } | { kind: 'user'; userId: string };

/** The one target a report names: exactly one of `messageId` and `userId`, else 400 naming them. */
export function reportTarget(given: { messageId?: string; userId?: string }): ReportTarget {
  if (given.messageId !== undefined && given.userId !== undefined) {
    throw invalidField('userId', 'give messageId or userId, not both');
  }
  if (given.messageId !== undefined) return { kind: 'message', messageId: given.messageId };
  if (given.userId !== undefined) return { kind: 'user', userId: given.userId };
  throw invalidField('messageId', 'give messageId (to report a message) or userId (to report a user)');
}

/** The message a `delete_message` resolution deletes; 400 for a report of a user, which has none. */
export function reportedMessageId(report: { messageId: string | null }): string {
  if (report.messageId === null) {
    throw invalidField('action', 'delete_message resolves a report of a message; this one reports a user');
  }
  return report.messageId;
}

/** 400 when the resolution does not fit the report: a message to delete, an `until` only for a suspension. */
export function assertApplicable(
  action: ResolutionAction,
  report: { messageId: string | null },
  until: string | null | undefined,
): void {
  if (action === 'delete_message') reportedMessageId(report);
  if (until !== undefined && until !== null && action !== 'suspend_user') {
    throw invalidField('until', 'until goes with suspend_user only');
  }
}
