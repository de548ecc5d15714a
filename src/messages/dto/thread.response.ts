import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import { MessageResponse, ThreadSummaryResponse } from '#src/conversations/dto/message.response.js';
import type { ThreadReadMarkView, ThreadView } from '../threads.service.js';

@ApiSchema({ name: 'Thread' })
export class ThreadResponse implements ThreadView {
  @ApiProperty({ type: MessageResponse })
  root!: MessageResponse;

  @ApiProperty({ type: ThreadSummaryResponse, nullable: true })
  thread!: ThreadSummaryResponse | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Replies past your read mark in the thread, not your own' })
  unreadCount!: number;
}

@ApiSchema({ name: 'ThreadPage' })
export class ThreadPageResponse implements Page<ThreadView> {
  @ApiProperty({ type: [ThreadResponse], description: 'Most recent reply first' })
  items!: ThreadResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'ThreadReadMark' })
export class ThreadReadMarkResponse implements ThreadReadMarkView {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  rootId!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  lastReadSeq!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadCount!: number;
}
