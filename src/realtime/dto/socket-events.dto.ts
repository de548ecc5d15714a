import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsUuid } from '#src/common/validation/uuid.js';
import { MessageCreateDto } from '#src/messages/dto/message-create.dto.js';
import { SyncQueryDto } from '#src/messages/dto/message-list.dto.js';

/** `message.send`: the REST send body plus the conversation. */
export class MessageSendEventDto extends MessageCreateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `typing.start` / `typing.stop`. */
export class ConversationRefDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `conversation.read`. */
export class ReadEventDto extends ConversationRefDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 2147483647, description: 'Messages up to this seq are read' })
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}

/** `conversation.delivered`: the REST delivery mark body plus the conversation. */
export class DeliveredEventDto extends ConversationRefDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 2147483647,
    description: 'Messages up to this seq reached this device',
  })
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}

/** `sync`: the REST sync query plus the conversation. */
export class SyncEventDto extends SyncQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid('conversationId must be a UUID')
  conversationId!: string;
}

/** `auth`: a fresh access token for the connection. */
export class SocketAuthDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 4096,
    description: 'A fresh access token of the same user and session (from POST /auth/refresh)',
  })
  @IsString()
  @Length(1, 4096)
  accessToken!: string;
}
