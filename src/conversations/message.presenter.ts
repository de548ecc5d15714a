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

/** A thread root's summary: kept by every reply's send, in the same transaction. */
export interface ThreadSummary {
  replyCount: number;
  lastReplyAt: string | null;
  lastReplySeq: number | null;
  /** The first 5 distinct repliers, in the order they first replied. */
  participantIds: string[];
}

/** Who a message mentions: members by `@username`, and `all` for `@all` / `@here` where the sender may. */
export interface MentionsView {
  userIds: string[];
  all: boolean;
}

/** A message as clients see it (docs/api.md). A deleted message stays as a tombstone: empty body, `deletedAt` set. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  body: string;
  replyToId: string | null;
  /** The thread this message replies in; null for a timeline message. */
  threadRootId: string | null;
  /** A timeline message's thread, once it has a reply. */
  thread: ThreadSummary | null;
  mentions: MentionsView;
  attachments: Attachment[];
  reactions: Record<string, number>;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** The columns a message view is made of (raw SQL aliased to these names: MESSAGE_COLUMNS). */
export type MessageSource = Omit<
  MessageView,
  'attachments' | 'reactions' | 'createdAt' | 'editedAt' | 'deletedAt' | 'thread' | 'mentions'
> & {
  attachments: unknown;
  reactions: unknown;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** Its place in the timeline (see the messages table): not shown, it lets the latest window tell a gap. */
  timelinePosition: number;
  threadReplyCount: number;
  threadLastReplyAt: Date | null;
  threadLastReplySeq: number | null;
  threadParticipantIds: string[] | null;
  mentionUserIds: string[] | null;
  mentionAll: boolean;
};

/** The summary clients see, from a root's columns (null until the first reply). */
export const toThreadSummary = (row: MessageSource): ThreadSummary | null =>
  row.threadReplyCount > 0
    ? {
        replyCount: row.threadReplyCount,
        lastReplyAt: row.threadLastReplyAt?.toISOString() ?? null,
        lastReplySeq: row.threadLastReplySeq,
        participantIds: row.threadParticipantIds ?? [],
      }
    : null;

export const toMessageView = (row: MessageSource): MessageView => ({
  id: row.id,
  conversationId: row.conversationId,
  seq: row.seq,
  senderId: row.senderId,
  clientMessageId: row.clientMessageId,
  body: row.body,
  replyToId: row.replyToId,
  threadRootId: row.threadRootId,
  thread: toThreadSummary(row),
  mentions: { userIds: row.mentionUserIds ?? [], all: row.mentionAll },
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
