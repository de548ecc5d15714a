import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MessageResponse } from '#src/conversations/dto/message.response.js';
import type { SyncView } from '../sync.presenter.js';

@ApiSchema({ name: 'Sync', description: 'What changed since a seq; the REST sync and the sync ack' })
export class SyncResponse implements SyncView {
  @ApiProperty({
    type: [MessageResponse],
    description: 'Messages created, edited, deleted or reacted to since the point, in the order they changed',
  })
  items!: MessageResponse[];

  @ApiProperty({ type: 'integer', minimum: 0, description: "The conversation's last seq" })
  lastSeq!: number;

  @ApiProperty({ description: 'More changes remain: call again with the same since and cursor=nextCursor' })
  hasMore!: boolean;

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
