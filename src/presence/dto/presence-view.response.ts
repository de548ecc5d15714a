import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ItemList } from '#src/common/pagination/pagination.js';
import { USER_STATUSES } from '../status-rule.js';
import type { PresenceView } from '../presence.presenter.js';

/** The presence object's schema in the OpenAPI document. */
@ApiSchema({ name: 'Presence' })
export class PresenceViewResponse implements PresenceView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ description: 'Connected and not invisible (in your own presence: connected)' })
  online!: boolean;

  @ApiProperty({
    enum: [...USER_STATUSES, 'offline'],
    description: 'online | away | dnd | offline; invisible appears only in your own presence',
  })
  status!: PresenceView['status'];

  @ApiProperty({ type: String, nullable: true, maxLength: 100, description: 'null whenever status is offline' })
  statusText!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSeenAt!: string | null;
}

@ApiSchema({ name: 'Presences' })
export class PresencesResponse implements ItemList<PresenceView> {
  @ApiProperty({ type: [PresenceViewResponse], maxItems: 200, description: 'Unknown ids are left out' })
  items!: PresenceViewResponse[];
}
