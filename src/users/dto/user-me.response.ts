import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { UserMe, UserSettings } from '../user.presenter.js';

@ApiSchema({ name: 'UserSettings' })
export class UserSettingsResponse implements UserSettings {
  @ApiProperty({ description: 'Other members see your read and delivery marks' })
  readReceipts!: boolean;

  @ApiProperty({ description: 'Contacts see your lastSeenAt' })
  showLastSeen!: boolean;
}

@ApiSchema({ name: 'UserMe', description: 'Your own account, settings included' })
export class UserMeResponse implements UserMe {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty({ example: 'ada_l' })
  username!: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 64 })
  displayName!: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 500 })
  bio!: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 2048 })
  avatarUrl!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: UserSettingsResponse })
  settings!: UserSettingsResponse;
}
