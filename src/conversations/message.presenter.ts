/** An external attachment: metadata the sender gave; the file lives wherever `url` points. */
export interface LinkAttachment {
  url: string;
  mimeType: string;
  size: number;
  name: string;
}

/** An upload the message carries, as checked at its completion; links come from `GET /uploads/:id/url`. */
export interface UploadAttachment {
  uploadId: string;
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
}

export type Attachment = LinkAttachment | UploadAttachment;

/** A message as clients see it (docs/api.md). A deleted message stays as a tombstone: empty body, `deletedAt` set. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  body: string;
  replyToId: string | null;
  attachments: Attachment[];
  reactions: Record<string, number>;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** The columns a message view is made of (as Prisma returns them, or raw SQL aliased to the same names). */
export type MessageSource = Omit<MessageView, 'attachments' | 'reactions' | 'createdAt' | 'editedAt' | 'deletedAt'> & {
  attachments: unknown;
  reactions: unknown;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
};

export const toMessageView = (row: MessageSource): MessageView => ({
  id: row.id,
  conversationId: row.conversationId,
  seq: row.seq,
  senderId: row.senderId,
  clientMessageId: row.clientMessageId,
  body: row.body,
  replyToId: row.replyToId,
  attachments: (row.attachments ?? []) as Attachment[],
  reactions: (row.reactions ?? {}) as Record<string, number>,
  createdAt: row.createdAt.toISOString(),
  editedAt: row.editedAt?.toISOString() ?? null,
  deletedAt: row.deletedAt?.toISOString() ?? null,
});

/** A message's reaction counts, as a reaction change answers them. */
export interface ReactionsView {
  conversationId: string;
  messageId: string;
  reactions: Record<string, number>;
}
