import type { Type } from '@nestjs/common';
import type { MessageView } from '#src/conversations/message.presenter.js';
import type { ReadMarkView } from '#src/conversations/conversation.presenter.js';
import type { DeliveryMarkView } from '#src/conversations/receipts.service.js';
import type { RateLimitRule } from '#src/infra/rate-limit/rate-limit.rule.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { SEND_LIMIT } from '#src/messages/send-limit.js';
import type { SyncView } from '#src/messages/sync.presenter.js';
import { PresenceQueryDto } from '#src/presence/dto/presence-query.dto.js';
import type { PresenceView } from '#src/presence/presence.presenter.js';
import {
  ConversationRefDto,
  DeliveredEventDto,
  MessageSendEventDto,
  ReadEventDto,
  SocketAuthDto,
  SyncEventDto,
} from './dto/socket-events.dto.js';
import type { AckReply } from './server-events.js';

/**
 * Every event clients send (docs/api.md, "Real time"), declared once: the DTO its payload must pass
 * (the validation REST bodies get) and the per-user limit it counts against, shared with the REST
 * route that does the same thing. The payload types clients see are these DTOs' fields.
 */
export const CLIENT_EVENTS = {
  'message.send': { dto: MessageSendEventDto, limit: SEND_LIMIT },
  'typing.start': { dto: ConversationRefDto, limit: WRITE_LIMITS.typing },
  'typing.stop': { dto: ConversationRefDto, limit: WRITE_LIMITS.typing },
  'conversation.read': { dto: ReadEventDto, limit: WRITE_LIMITS.readMarks },
  'conversation.delivered': { dto: DeliveredEventDto, limit: WRITE_LIMITS.deliveryMarks },
  sync: { dto: SyncEventDto, limit: WRITE_LIMITS.syncs },
  'presence.query': { dto: PresenceQueryDto, limit: WRITE_LIMITS.presenceReads },
  /** A fresh access token of the same session, before the current one expires. */
  auth: { dto: SocketAuthDto, limit: WRITE_LIMITS.accountChanges },
} satisfies Record<string, { dto: Type<object>; limit: RateLimitRule }>;

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
