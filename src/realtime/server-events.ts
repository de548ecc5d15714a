import type { ErrorBody } from '#src/common/errors/error-body.js';
import type { ChatEventMap, ChatEventName } from '#src/common/events/chat-events.js';
import type { AllSame, Same, SchemaClassOf } from '#src/common/schema-match.js';
import { PresenceViewResponse } from '#src/presence/dto/presence-view.response.js';
import {
  ConversationEventPayload,
  ConversationRefPayload,
  MarkEventPayload,
  MemberEventPayload,
  MemberUpdatedPayload,
  MessageDeletedPayload,
  MessageEventPayload,
  NotificationEventPayload,
  ReactionEventPayload,
  SessionEventPayload,
  ThreadEventPayload,
  TypingPayload,
} from './dto/server-events.dto.js';

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

export type ServerEventName = keyof ServerEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerEvents[E]>[0];

/**
 * The server events at run time, for the AsyncAPI document: each one's payload as a schema class and
 * a one-line summary. The compiler refuses a `ServerEvents` event left out here, and a class that is
 * not exactly its event's payload (ServerEventSchemasMatch).
 */
export const SERVER_EVENTS = {
  'message.created': { payload: MessageEventPayload, summary: 'A message was stored in one of your conversations' },
  'message.updated': { payload: MessageEventPayload, summary: 'A message was edited' },
  'message.deleted': { payload: MessageDeletedPayload, summary: 'A message was deleted (it stays as a tombstone)' },
  'reaction.updated': { payload: ReactionEventPayload, summary: "A message's reaction counts changed" },
  'thread.updated': {
    payload: ThreadEventPayload,
    summary: "A reply moved its root's thread summary (the reply itself is a message.created)",
  },
  'pins.updated': {
    payload: ConversationRefPayload,
    summary: 'The pins changed (a pin, an unpin, or a pinned message deleted): fetch GET /conversations/:id/pins',
  },
  'conversation.created': {
    payload: ConversationEventPayload,
    summary: 'You are in a new conversation; GET /conversations/:id gives your own view',
  },
  'conversation.updated': {
    payload: ConversationEventPayload,
    summary: "A conversation's fields that are the same for every member changed",
  },
  'member.added': { payload: MemberEventPayload, summary: 'A member joined (one event per member added)' },
  'member.removed': { payload: MemberEventPayload, summary: 'A member left or was removed' },
  'member.updated': {
    payload: MemberUpdatedPayload,
    summary: 'The owner or an admin muted ({ until }) or unmuted (null) a member',
  },
  typing: { payload: TypingPayload, summary: 'Another member started or stopped typing (expires by itself after 5 s)' },
  read: { payload: MarkEventPayload, summary: "A member's read mark moved (once per move)" },
  delivered: { payload: MarkEventPayload, summary: "A member's delivery mark moved (once per move)" },
  presence: {
    payload: PresenceViewResponse,
    summary: "A contact's first socket opened, last one closed, or status changed",
  },
  notification: { payload: NotificationEventPayload, summary: 'A notification was stored for you' },
  'session.revoked': {
    payload: SessionEventPayload,
    summary: "This connection's session was revoked or ended; the server disconnects right after",
  },
  'token.expired': {
    payload: SessionEventPayload,
    summary: 'The access token expired without an auth renewal; the server disconnects right after',
  },
} satisfies { [E in ServerEventName]: { payload: SchemaClassOf<ServerEventPayload<E>>; summary: string } };

/** Compile-time: each payload class has exactly the fields of its event's payload, typed alike. */
export type ServerEventSchemasMatch = AllSame<{
  [E in ServerEventName]: Same<InstanceType<(typeof SERVER_EVENTS)[E]['payload']>, ServerEventPayload<E>>;
}>;

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
