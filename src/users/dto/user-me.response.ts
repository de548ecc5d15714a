import { ApiProperty, ApiSchema, PickType } from '@nestjs/swagger';
import type { UserMe, UserSettings } from '../user.presenter.js';
import { PublicProfileResponse } from './public-profile.response.js';

@ApiSchema({ name: 'UserSettings' })
export class UserSettingsResponse implements UserSettings {
  @ApiProperty({ description: 'Other members see your read and delivery marks' })
  readReceipts!: boolean;

  @ApiProperty({ description: 'Contacts see your lastSeenAt' })
  showLastSeen!: boolean;
}

@ApiSchema({ name: 'UserMe', description: 'Your own account, settings included' })
export class UserMeResponse
  extends PickType(PublicProfileResponse, ['id', 'username', 'displayName', 'bio', 'avatarUrl', 'createdAt'] as const)
  implements UserMe
{
  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty({ type: UserSettingsResponse })
  settings!: UserSettingsResponse;
}
