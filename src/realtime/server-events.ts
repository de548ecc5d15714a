import type { ErrorBody } from '#src/common/errors/error-body.js';
import type { ChatEventMap, ChatEventName } from '#src/common/events/chat-events.js';

/** A conversation event as its members receive it: the in-process event without its audience. */
type ToMembers<K extends ChatEventName> = (payload: Omit<ChatEventMap[K], 'memberIds'>) => void;

/**
 * Every event the server sends to clients, with its payload (docs/api.md, "Real time"). Those that
 * pass on what happened take their payload from the in-process event (ChatEventMap), so the two
 * cannot drift apart.
 */
export interface ServerEvents {
  'message.created': ToMembers<'message.created'>;
  'message.updated': ToMembers<'message.updated'>;
  'message.deleted': ToMembers<'message.deleted'>;
  'reaction.updated': ToMembers<'reaction.updated'>;
  'thread.updated': ToMembers<'thread.updated'>;
  'pins.updated': ToMembers<'pins.updated'>;
  'conversation.created': ToMembers<'conversation.created'>;
  'conversation.updated': ToMembers<'conversation.updated'>;
  /** One per member added (the in-process event lists them all). */
  'member.added': (payload: Pick<ChatEventMap['member.added'], 'conversationId'> & { userId: string }) => void;
  'member.removed': ToMembers<'member.removed'>;
  /** A member was muted or unmuted by the group's owner or an admin. */
  'member.updated': ToMembers<'member.updated'>;
  typing: ToMembers<'typing'>;
  read: ToMembers<'read'>;
  delivered: ToMembers<'delivered'>;
  presence: (payload: Omit<ChatEventMap['presence.changed'], 'contactIds'>) => void;
  notification: (payload: Omit<ChatEventMap['notification.created'], 'userId'>) => void;
  /** To the sockets of one revoked session (the in-process event names all of a user's). */
  'session.revoked': (payload: { sessionId: string }) => void;
  /** The socket's access token expired without a renewal (`auth`); the server disconnects right after. */
  'token.expired': (payload: { sessionId: string }) => void;
}

/** The answer to every client event's ack callback. */
export type AckReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

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
