import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsUuid } from '#src/common/validation/uuid.js';
import { MessageCreateDto } from '#src/messages/dto/message-create.dto.js';
import { SyncQueryDto } from '#src/messages/dto/message-list.dto.js';

/** `message.send`: the REST send body plus the conversation. */
export class MessageSendEventDto extends MessageCreateDto {
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `typing.start` / `typing.stop`. */
export class ConversationRefDto {
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `conversation.read`. */
export class ReadEventDto extends ConversationRefDto {
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}

/** `conversation.delivered`: the REST delivery mark body plus the conversation. */
export class DeliveredEventDto extends ConversationRefDto {
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}

/** `sync`: the REST sync query plus the conversation. */
export class SyncEventDto extends SyncQueryDto {
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `auth`: a fresh access token for the connection. */
export class SocketAuthDto {
  @IsString()
  @Length(1, 4096)
  accessToken!: string;
}
