import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import type { BlockView } from '../user.presenter.js';
import { PublicProfileResponse } from './public-profile.response.js';

@ApiSchema({ name: 'Block' })
export class BlockResponse implements BlockView {
  @ApiProperty({ type: PublicProfileResponse, description: 'The user you blocked' })
  user!: PublicProfileResponse;

  @ApiProperty({ format: 'date-time' })
  blockedAt!: string;
}

@ApiSchema({ name: 'BlockPage' })
export class BlockPageResponse implements Page<BlockView> {
  @ApiProperty({ type: [BlockResponse], description: 'Newest first' })
  items!: BlockResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
