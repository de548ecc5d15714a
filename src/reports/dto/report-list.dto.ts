import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { REPORT_STATUSES, type ReportStatus } from '../report-rules.js';

export class ReportListDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: REPORT_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status: ReportStatus = 'open';
}
