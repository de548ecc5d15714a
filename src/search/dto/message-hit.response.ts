import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import { MessageResponse } from '#src/conversations/dto/message.response.js';
import type { MessageHit } from '../search.service.js';

@ApiSchema({ name: 'MessageHit' })
export class MessageHitResponse implements MessageHit {
  @ApiProperty({ type: MessageResponse })
  message!: MessageResponse;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;
}

@ApiSchema({ name: 'MessageHitPage' })
export class MessageHitPageResponse implements Page<MessageHit> {
  @ApiProperty({ type: [MessageHitResponse], description: 'Most recent first' })
  items!: MessageHitResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
