import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { IsUuid } from '#src/common/validation/uuid.js';
import { REPORT_REASONS, type ReportReason } from '../report-rules.js';

/** `POST /reports`: a message or a user (exactly one), why, and optionally more words. */
export class ReportCreateDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A message you can see (not with userId)' })
  @IsOptional()
  @IsUuid('messageId must be a UUID')
  messageId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A user (not with messageId)' })
  @IsOptional()
  @IsUuid('userId must be a UUID')
  userId?: string;

  @ApiProperty({ enum: REPORT_REASONS })
  @IsIn(REPORT_REASONS, { message: `reason must be one of ${REPORT_REASONS.join(', ')}` })
  reason!: ReportReason;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @TextLength(0, 1000)
  note?: string;
}
