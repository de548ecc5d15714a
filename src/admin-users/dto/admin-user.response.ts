import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AdminUserView, SuspensionView } from '../admin-user.presenter.js';

@ApiSchema({ name: 'Suspension' })
export class SuspensionResponse implements SuspensionView {
  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: until unsuspended' })
  until!: string | null;

  @ApiProperty()
  reason!: string;
}

@ApiSchema({ name: 'AdminUser', description: 'A user as system admins see them' })
export class AdminUserResponse implements AdminUserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ enum: ['user', 'admin', 'bot'], description: 'The role as stored' })
  role!: string;

  @ApiProperty({ description: 'A system admin now: role admin, or an email in ADMIN_EMAILS' })
  admin!: boolean;

  @ApiProperty({
    type: SuspensionResponse,
    nullable: true,
    description: 'The suspension in force; null when there is none or its until has passed',
  })
  suspension!: SuspensionResponse | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set for a deleted account' })
  deletedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'AdminUserPage' })
export class AdminUserPageResponse {
  @ApiProperty({ type: [AdminUserResponse], description: 'By username' })
  items!: AdminUserResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
