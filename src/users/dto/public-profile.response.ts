import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import type { PublicProfile } from '../user.presenter.js';

/** The public profile's schema in the OpenAPI document. */
@ApiSchema({ name: 'PublicProfile' })
export class PublicProfileResponse implements PublicProfile {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada_l' })
  username!: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 64 })
  displayName!: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 500 })
  bio!: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 2048 })
  avatarUrl!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'A deleted account: no name, bio or avatar; its messages remain' })
  deleted!: boolean;

  @ApiProperty({ description: 'A bot (created by an admin, calling the API with a key): clients may badge it' })
  bot!: boolean;
}

@ApiSchema({ name: 'PublicProfilePage' })
export class PublicProfilePageResponse implements Page<PublicProfile> {
  @ApiProperty({ type: [PublicProfileResponse], description: 'By username' })
  items!: PublicProfileResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last' })
  nextCursor!: string | null;
}
