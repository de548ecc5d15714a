import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AdminReportView, ReportView, ResolutionView } from '../report.presenter.js';
import {
  REPORT_REASONS,
  REPORT_STATUSES,
  RESOLUTION_ACTIONS,
  type ReportReason,
  type ReportStatus,
  type ResolutionAction,
} from '../report-rules.js';

@ApiSchema({ name: 'Report', description: 'A report, as its reporter sees it' })
export class ReportResponse implements ReportView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for a report of a user' })
  messageId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "The message's conversation" })
  conversationId!: string | null;

  @ApiProperty({ format: 'uuid', description: 'The reported user, or the sender of the reported message' })
  userId!: string;

  @ApiProperty({ enum: REPORT_REASONS })
  reason!: ReportReason;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ enum: REPORT_STATUSES })
  status!: ReportStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'ReportResolution' })
export class ResolutionResponse implements ResolutionView {
  @ApiProperty({ enum: RESOLUTION_ACTIONS })
  action!: ResolutionAction;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ format: 'uuid' })
  resolvedBy!: string;

  @ApiProperty({ format: 'date-time' })
  resolvedAt!: string;
}

@ApiSchema({ name: 'AdminReport', description: 'A report as system admins see it' })
export class AdminReportResponse extends ReportResponse implements AdminReportView {
  @ApiProperty({ format: 'uuid' })
  reporterId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The message body when it was reported (kept after edits and deletion); null for a user report',
  })
  messageBody!: string | null;

  @ApiProperty({ type: ResolutionResponse, nullable: true, description: 'null while open' })
  resolution!: ResolutionResponse | null;
}

@ApiSchema({ name: 'AdminReportPage' })
export class AdminReportPageResponse {
  @ApiProperty({ type: [AdminReportResponse], description: 'Newest first' })
  items!: AdminReportResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
