import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { USER_STATUSES, type UserStatus } from '../status-rule.js';

/** `PUT /users/me/status`: the whole status, replaced; what is left out is cleared. */
export class PresenceStatusDto {
  @ApiProperty({ enum: USER_STATUSES })
  @IsIn(USER_STATUSES, { message: `status must be one of ${USER_STATUSES.join(', ')}` })
  status!: UserStatus;

  @ApiPropertyOptional({ maxLength: 100, nullable: true, description: 'Empty or absent: no text' })
  @IsOptional()
  @IsString()
  @TextLength(0, 100)
  statusText?: string | null;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the status ends by itself (back to online, no text); in the future. Absent: it lasts.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expiresAt must be an ISO-8601 date-time' })
  expiresAt?: string | null;
}
