import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AuditView } from '../audit.presenter.js';

@ApiSchema({ name: 'AuditEntry', description: 'One admin or security action' })
export class AuditEntryResponse implements AuditView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system (the admin CLI)' })
  actorId!: string | null;

  @ApiProperty({ example: 'user.suspended', description: 'What happened, dotted (docs/admin.md lists them)' })
  action!: string;

  @ApiProperty({ enum: ['user', 'message', 'conversation', 'report', 'webhook', 'bot'] })
  targetType!: string;

  @ApiProperty({ type: String, nullable: true })
  targetId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the action was given and changed' })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, description: 'Client address of the request; null from the CLI' })
  ip!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'AuditPage' })
export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse], description: 'Newest first' })
  items!: AuditEntryResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
