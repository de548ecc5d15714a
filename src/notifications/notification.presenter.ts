import type { Notification, NotificationKind } from '#src/generated/prisma/client.js';

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

export const toNotificationView = (row: Notification): NotificationView => ({
  id: row.id,
  kind: row.kind,
  conversationId: row.conversationId,
  messageId: row.messageId,
  actorId: row.actorId,
  preview: row.preview,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});
