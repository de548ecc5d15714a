import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { IsUuid } from '#src/common/validation/uuid.js';
import { NOT_BLANK } from './conversation-create.dto.js';

const UNTIL_FORMAT = { strict: true, strictSeparator: true } as const;
const UNTIL_MESSAGE = { message: 'until must be an ISO-8601 date-time' };

/** `POST /conversations/:id/bans`. */
export class BanCreateDto {
  @ApiProperty({ format: 'uuid', description: 'A member, or any user (a ban made ahead keeps them out)' })
  @IsUuid('userId must be a UUID')
  userId!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the ban ends by itself; in the future (400 otherwise). Absent or null: for ever.',
  })
  @IsOptional()
  @IsISO8601(UNTIL_FORMAT, UNTIL_MESSAGE)
  until?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: 'Shown to the owner and admins in GET /bans' })
  @IsOptional()
  @IsString()
  @TextLength(1, 500)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason?: string;
}

/** `POST /conversations/:id/members/:userId/mute`. */
export class MemberMuteDto {
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the mute ends by itself; in the future (400 otherwise). Absent or null: until unmuted.',
  })
  @IsOptional()
  @IsISO8601(UNTIL_FORMAT, UNTIL_MESSAGE)
  until?: string | null;
}
