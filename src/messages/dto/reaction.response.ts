import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ItemList } from '#src/common/pagination/pagination.js';
import type { ReactionDetail } from '../reactions.service.js';

@ApiSchema({ name: 'ReactionDetail', description: 'One emoji on a message' })
export class ReactionDetailResponse implements ReactionDetail {
  @ApiProperty({ example: '👍', description: 'An RGI emoji sequence or a :shortcode:' })
  emoji!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  count!: number;

  @ApiProperty({ description: 'You gave it' })
  me!: boolean;

  @ApiProperty({ type: [String], format: 'uuid', maxItems: 20, description: 'Its first 20 reactors, earliest first' })
  userIds!: string[];
}

@ApiSchema({ name: 'ReactionDetails' })
export class ReactionDetailsResponse implements ItemList<ReactionDetail> {
  @ApiProperty({
    type: [ReactionDetailResponse],
    maxItems: 50,
    description: 'The most given first, then the one given first',
  })
  items!: ReactionDetailResponse[];
}
