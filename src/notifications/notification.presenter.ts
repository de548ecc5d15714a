import type { NotificationKind, NotificationRow } from './notifications.repository.js';

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  conversationId: string | null;
  messageId: string | null;
  actorId: string | null;
  preview: string | null;
  createdAt: string;
  readAt: string | null;
}

export const toNotificationView = (row: NotificationRow): NotificationView => ({
  id: row.id,
  kind: row.kind,
  conversationId: row.conversationId,
  messageId: row.messageId,
  actorId: row.actorId,
  preview: row.preview,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});
