import { ApiProperty, ApiSchema } from '@nestjs/swagger';
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
export class MessageHitPageResponse {
  @ApiProperty({ type: [MessageHitResponse], description: 'Most recent first' })
  items!: MessageHitResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
