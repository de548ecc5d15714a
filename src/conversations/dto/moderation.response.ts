import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { BanView, MemberMuteView } from '../moderation.presenter.js';

@ApiSchema({ name: 'Ban' })
export class BanResponse implements BanView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid', description: 'The owner or admin who banned them' })
  bannedBy!: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 500 })
  reason!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: for ever' })
  until!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the ban was made (or last replaced)' })
  createdAt!: string;
}

@ApiSchema({ name: 'BanPage' })
export class BanPageResponse {
  @ApiProperty({ type: [BanResponse], maxItems: 100 })
  items!: BanResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'The cursor of the next page; null on the last' })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'MemberMute' })
export class MemberMuteResponse implements MemberMuteView {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: until unmuted' })
  until!: string | null;
}
