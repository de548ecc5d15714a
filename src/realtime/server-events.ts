import type { ErrorBody } from '#src/common/errors/error-body.js';
import type { ConversationSummary } from '#src/common/events/chat-events.js';
import type { MessageView } from '#src/conversations/message.presenter.js';
import type { SyncView } from '#src/messages/sync.service.js';
import type { NotificationView } from '#src/notifications/notification.presenter.js';
import type { PresenceView } from '#src/presence/presence.presenter.js';

/** Every event the server sends to clients, with its payload (docs/api.md, "Real time"). */
export interface ServerEvents {
  'message.created': (payload: { conversationId: string; message: MessageView }) => void;
  'message.updated': (payload: { conversationId: string; message: MessageView }) => void;
  'message.deleted': (payload: { conversationId: string; messageId: string; seq: number }) => void;
  'reaction.updated': (payload: {
    conversationId: string;
    messageId: string;
    reactions: Record<string, number>;
  }) => void;
  'conversation.created': (payload: { conversation: ConversationSummary }) => void;
  'conversation.updated': (payload: { conversation: ConversationSummary }) => void;
  'member.added': (payload: { conversationId: string; userId: string }) => void;
  'member.removed': (payload: { conversationId: string; userId: string }) => void;
  typing: (payload: { conversationId: string; userId: string; isTyping: boolean }) => void;
  read: (payload: { conversationId: string; userId: string; seq: number }) => void;
  presence: (payload: PresenceView) => void;
  notification: (payload: { notification: NotificationView }) => void;
  'session.revoked': (payload: { sessionId: string }) => void;
  /** The socket's access token expired without a renewal (`auth`); the server disconnects right after. */
  'token.expired': (payload: { sessionId: string }) => void;
}

/** The answer to every client event's ack callback. */
export type AckReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
type Ack<T> = (reply: AckReply<T>) => void;

/** Every event clients send, with its payload and what its ack answers. */
export interface ClientEvents {
  'message.send': (
    payload: { conversationId: string; clientMessageId: string; body: string; replyToId?: string },
    ack: Ack<MessageView>,
  ) => void;
  'typing.start': (payload: { conversationId: string }, ack: Ack<null>) => void;
  'typing.stop': (payload: { conversationId: string }, ack: Ack<null>) => void;
  'conversation.read': (
    payload: { conversationId: string; seq: number },
    ack: Ack<{ conversationId: string; lastReadSeq: number; unreadCount: number }>,
  ) => void;
  sync: (payload: { conversationId: string; since: number; cursor?: string }, ack: Ack<SyncView>) => void;
  'presence.query': (payload: { userIds: string[] }, ack: Ack<{ items: PresenceView[] }>) => void;
  /** A fresh access token of the same session, before the current one expires; answers the new expiry. */
  auth: (payload: { accessToken: string }, ack: Ack<{ expiresAt: string }>) => void;
}

/** What instances ask of each other through the adapter (Socket.IO server-side emits). */
export interface InterServerEvents {
  /** Close the receiving instance's sockets of these sessions, each after its `session.revoked`. */
  'sessions.close': (sessionIds: string[]) => void;
}

/** What the server keeps on each socket. */
export interface SocketData {
  userId: string;
  sessionId: string;
  /** When the socket's access token expires (ms since epoch); `auth` moves it on. */
  tokenExpiresAt: number;
}
