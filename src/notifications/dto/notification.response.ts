import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import type { NotificationView } from '../notification.presenter.js';
import type { NotificationKind } from '../notifications.repository.js';
import type { NotificationsService } from '../notifications.service.js';

type NotificationCount = Awaited<ReturnType<NotificationsService['unreadCount']>>['value'];

const KINDS: NotificationKind[] = ['message', 'mention', 'request', 'member_added'];

@ApiSchema({ name: 'Notification' })
export class NotificationResponse implements NotificationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: KINDS })
  kind!: NotificationKind;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  conversationId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  messageId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who sent, mentioned or added you' })
  actorId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The start of the message' })
  preview!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt!: string | null;
}

@ApiSchema({ name: 'NotificationPage' })
export class NotificationPageResponse implements Page<NotificationView> {
  @ApiProperty({ type: [NotificationResponse], description: 'Newest first' })
  items!: NotificationResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

@ApiSchema({ name: 'NotificationCount' })
export class NotificationCountResponse implements NotificationCount {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Your unread notifications' })
  count!: number;
}
