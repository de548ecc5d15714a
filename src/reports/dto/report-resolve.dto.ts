import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { RESOLUTION_ACTIONS, type ResolutionAction } from '../report-rules.js';

/** `POST /admin/reports/:id/resolve`. */
export class ReportResolveDto {
  @ApiProperty({ enum: RESOLUTION_ACTIONS })
  @IsIn(RESOLUTION_ACTIONS, { message: `action must be one of ${RESOLUTION_ACTIONS.join(', ')}` })
  action!: ResolutionAction;

  @ApiPropertyOptional({
    maxLength: 400,
    description: 'Kept with the resolution; with suspend_user, also in the suspension reason',
  })
  @IsOptional()
  @IsString()
  @TextLength(0, 400)
  note?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'suspend_user only: when the suspension ends (in the future); absent: until unsuspended',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string | null;
}
