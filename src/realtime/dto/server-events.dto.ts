import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ConversationSummaryResponse, ModerationMuteResponse } from '#src/conversations/dto/conversation.response.js';
import { MessageResponse, ThreadSummaryResponse } from '#src/conversations/dto/message.response.js';
import { NotificationResponse } from '#src/notifications/dto/notification.response.js';

// The payloads of ServerEvents as schema classes; server-events.ts checks each against its event's type.

@ApiSchema({ name: 'MessageEvent', description: '`message.created` and `message.updated`' })
export class MessageEventPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ type: MessageResponse })
  message!: MessageResponse;
}

@ApiSchema({ name: 'MessageDeletedEvent' })
export class MessageDeletedPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  seq!: number;
}

@ApiSchema({ name: 'ReactionEvent' })
export class ReactionEventPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    description: 'Count per emoji after the change; emojis nobody gives are absent',
  })
  reactions!: Record<string, number>;
}

@ApiSchema({ name: 'ThreadEvent' })
export class ThreadEventPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid', description: 'The thread root' })
  rootId!: string;

  @ApiProperty({ type: ThreadSummaryResponse })
  thread!: ThreadSummaryResponse;
}

@ApiSchema({ name: 'ConversationRefEvent', description: 'Which conversation: the client fetches what changed' })
export class ConversationRefPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;
}

@ApiSchema({ name: 'ConversationEvent', description: '`conversation.created` and `conversation.updated`' })
export class ConversationEventPayload {
  @ApiProperty({
    type: ConversationSummaryResponse,
    description: 'The part that is the same for every member; GET /conversations/:id gives your own view',
  })
  conversation!: ConversationSummaryResponse;
}

@ApiSchema({ name: 'MemberEvent', description: '`member.added` (one per member) and `member.removed`' })
export class MemberEventPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;
}

@ApiSchema({ name: 'MemberUpdatedEvent' })
export class MemberUpdatedPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: ModerationMuteResponse, nullable: true, description: 'null: unmuted' })
  moderationMute!: ModerationMuteResponse | null;
}

@ApiSchema({ name: 'TypingEvent' })
export class TypingPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  isTyping!: boolean;
}

@ApiSchema({ name: 'MarkEvent', description: '`read` and `delivered`: a member’s mark moved' })
export class MarkEventPayload {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  seq!: number;
}

@ApiSchema({ name: 'NotificationEvent' })
export class NotificationEventPayload {
  @ApiProperty({ type: NotificationResponse })
  notification!: NotificationResponse;
}

@ApiSchema({ name: 'SessionEvent', description: '`session.revoked` and `token.expired`: the server disconnects next' })
export class SessionEventPayload {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;
}
