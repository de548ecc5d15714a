import { IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { MessageCreateDto } from '#src/messages/dto/message-create.dto.js';
import { SyncQueryDto } from '#src/messages/dto/message-list.dto.js';

/** `message.send`: the REST send body plus the conversation. */
export class MessageSendEventDto extends MessageCreateDto {
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId!: string;
}

/** `typing.start` / `typing.stop`. */
export class ConversationRefDto {
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId!: string;
}

/** `conversation.read`. */
export class ReadEventDto extends ConversationRefDto {
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}

/** `sync`: the REST sync query plus the conversation. */
export class SyncEventDto extends SyncQueryDto {
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId!: string;
}

/** `auth`: a fresh access token for the connection. */
export class SocketAuthDto {
  @IsString()
  @Length(1, 4096)
  accessToken!: string;
}
