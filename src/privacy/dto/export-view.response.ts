import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ExportView } from '../export.presenter.js';
import type { ExportStatus } from '../exports.repository.js';

const STATUSES: ExportStatus[] = ['pending', 'running', 'ready', 'failed', 'expired'];

/** An export's schema in the OpenAPI document. */
@ApiSchema({ name: 'DataExport' })
export class ExportViewResponse implements ExportView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    enum: STATUSES,
    description:
      'pending: waiting for a worker; running: being built; ready: url works; failed: given up after 5 attempts; ' +
      'expired: the archive was deleted (EXPORT_KEEP_HOURS after it was built, or when a newer one was built)',
  })
  status!: ExportStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was built, or failed' })
  completedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the archive is (was) deleted' })
  expiresAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The archive’s size in bytes' })
  size!: number | null;

  @ApiPropertyOptional({
    description:
      'ready only: a signed download link to the JSON archive, working for EXPORT_LINK_SECONDS (a path on this API ' +
      'with the local storage, to resolve against its origin); a tampered or expired link is 403 LINK_INVALID',
  })
  url?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ready only: when url stops working' })
  urlExpiresAt?: string;
}
