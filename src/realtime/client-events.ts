import type { Type } from '@nestjs/common';
import type { AllSame, Same, SchemaClassOf } from '#src/common/schema-match.js';
import { ReadMarkResponse } from '#src/conversations/dto/conversation.response.js';
import { MessageResponse } from '#src/conversations/dto/message.response.js';
import { DeliveryMarkResponse } from '#src/conversations/dto/receipts.response.js';
import type { MessageView } from '#src/conversations/message.presenter.js';
import type { ReadMarkView } from '#src/conversations/conversation.presenter.js';
import type { DeliveryMarkView } from '#src/conversations/receipts.service.js';
import type { RateLimitRule } from '#src/infra/rate-limit/rate-limit.rule.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { SyncResponse } from '#src/messages/dto/sync.response.js';
import { SEND_LIMIT } from '#src/messages/send-limit.js';
import type { SyncView } from '#src/messages/sync.presenter.js';
import { PresenceQueryDto } from '#src/presence/dto/presence-query.dto.js';
import { PresencesResponse } from '#src/presence/dto/presence-view.response.js';
import type { PresenceView } from '#src/presence/presence.presenter.js';
import {
  ConversationRefDto,
  DeliveredEventDto,
  MessageSendEventDto,
  ReadEventDto,
  SocketAuthDto,
  SyncEventDto,
} from './dto/socket-events.dto.js';
import { TokenRenewalResponse } from './dto/socket-replies.response.js';
import type { AckReply } from './server-events.js';

/**
 * Every event clients send (docs/api.md, "Real time"), declared once: the DTO its payload must pass
 * (the validation REST bodies get), the per-user limit it counts against, shared with the REST
 * route that does the same thing, the schema class of its ack's `data` (null: always null) and a
 * one-line summary for the AsyncAPI document. The payload types clients see are the DTOs' fields.
 */
export const CLIENT_EVENTS = {
  'message.send': {
    dto: MessageSendEventDto,
    limit: SEND_LIMIT,
    result: MessageResponse,
    summary: 'Send a message; the ack carries the stored message (the same one again for a repeated clientMessageId)',
  },
  'typing.start': {
    dto: ConversationRefDto,
    limit: WRITE_LIMITS.typing,
    result: null,
    summary: 'You are typing: the other members get typing (it expires by itself after 5 s)',
  },
  'typing.stop': {
    dto: ConversationRefDto,
    limit: WRITE_LIMITS.typing,
    result: null,
    summary: 'You stopped typing',
  },
  'conversation.read': {
    dto: ReadEventDto,
    limit: WRITE_LIMITS.readMarks,
    result: ReadMarkResponse,
    summary: 'Move your read mark up to seq; the ack carries the mark and what is left unread',
  },
  'conversation.delivered': {
    dto: DeliveredEventDto,
    limit: WRITE_LIMITS.deliveryMarks,
    result: DeliveryMarkResponse,
    summary: 'Move your delivery mark up to seq',
  },
  sync: {
    dto: SyncEventDto,
    limit: WRITE_LIMITS.syncs,
    result: SyncResponse,
    summary: 'What changed in a conversation since a seq, as the REST sync (after a reconnect)',
  },
  'presence.query': {
    dto: PresenceQueryDto,
    limit: WRITE_LIMITS.presenceReads,
    result: PresencesResponse,
    summary: 'Presence of up to 200 users (contacts only; anyone else looks offline)',
  },
  auth: {
    dto: SocketAuthDto,
    limit: WRITE_LIMITS.accountChanges,
    result: TokenRenewalResponse,
    summary: 'A fresh access token of the same session, before the current one expires',
  },
} satisfies {
  [E in keyof ClientEventResults]: {
    dto: Type<object>;
    limit: RateLimitRule;
    result: SchemaClassOf<ClientEventResults[E]>;
    summary: string;
  };
};

export type ClientEventName = keyof typeof CLIENT_EVENTS;

/** A client event's payload once validated: an instance of its DTO. */
export type ClientEventDto<E extends ClientEventName> = InstanceType<(typeof CLIENT_EVENTS)[E]['dto']>;

/** What each client event's ack carries as `data` when it succeeds. */
export interface ClientEventResults {
  'message.send': MessageView;
  'typing.start': null;
  'typing.stop': null;
  'conversation.read': ReadMarkView;
  'conversation.delivered': DeliveryMarkView;
  sync: SyncView;
  'presence.query': { items: PresenceView[] };
  auth: { expiresAt: string };
}

type ResultClass<E extends ClientEventName> = NonNullable<(typeof CLIENT_EVENTS)[E]['result']>;

/** Compile-time: each ack's schema class has exactly the fields of its `ClientEventResults` entry. */
export type ClientEventResultSchemasMatch = AllSame<{
  [E in ClientEventName]: ClientEventResults[E] extends null
    ? Same<(typeof CLIENT_EVENTS)[E]['result'], null>
    : Same<InstanceType<ResultClass<E>>, ClientEventResults[E]>;
}>;

/** DTO fields a client may leave out because the DTO gives them a default. */
interface Defaulted {
  sync: 'since' | 'limit';
}
type Sent<E extends ClientEventName> = E extends keyof Defaulted
  ? Omit<ClientEventDto<E>, Defaulted[E]> & Partial<Pick<ClientEventDto<E>, Defaulted[E]>>
  : ClientEventDto<E>;

/** Every event clients send, with its payload and what its ack answers (Socket.IO's event map). */
export type ClientEvents = {
  [E in ClientEventName]: (payload: Sent<E>, ack: (reply: AckReply<ClientEventResults[E]>) => void) => void;
};
