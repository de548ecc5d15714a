import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

/** `POST /admin/users/:id/suspend`. */
export class SuspendDto {
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the suspension ends by itself; in the future. Absent or null: until unsuspended.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string | null;

  @ApiProperty({
    minLength: 1,
    maxLength: 500,
    description: 'Why; for admins and the audit log, not shown to the user',
  })
  @IsString()
  @TextLength(1, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
