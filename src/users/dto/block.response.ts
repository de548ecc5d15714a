import { ApiProperty, ApiSchema } from '@nestjs/swagger';
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
export class BlockPageResponse {
  @ApiProperty({ type: [BlockResponse], description: 'Newest first' })
  items!: BlockResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
