import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { ApiCacheHeader, setCacheHeader } from '#src/infra/cache/cache-header.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { NotificationListDto } from './dto/notification-list.dto.js';
import { NotificationCountResponse, NotificationPageResponse } from './dto/notification.response.js';
import { NotificationsReadDto } from './dto/notifications-read.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiSignedIn()
@Controller(`${API_PREFIX}/notifications`)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'Your notifications',
    description:
      'Newest first: { items: [{ id, kind (message | mention | request | member_added), ' +
      'conversationId, messageId, actorId, preview, createdAt, readAt }], nextCursor }. ?unreadOnly=true for unread ones.',
  })
  @ApiOkResponse({ type: NotificationPageResponse })
  @ApiErrors(400)
  list(@Caller() caller: AuthContext, @Query() query: NotificationListDto) {
    return this.notifications.list(caller.userId, query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many notifications are unread', description: 'Cached per user (X-Cache).' })
  @ApiOkResponse({ type: NotificationCountResponse })
  @ApiCacheHeader()
  async unreadCount(@Caller() caller: AuthContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const { value, hit } = await this.notifications.unreadCount(caller.userId);
    setCacheHeader(reply, hit);
    return value;
  }

  @Post('read')
  @RateLimit(WRITE_LIMITS.readMarks)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Mark notifications read',
    description: '{ ids } (up to 500); ids that are not yours are ignored.',
  })
  @ApiNoContentResponse({ description: 'Read' })
  @ApiErrors(400)
  markRead(@Caller() caller: AuthContext, @Body() dto: NotificationsReadDto) {
    return this.notifications.markRead(caller.userId, dto.ids);
  }

  @Post('read-all')
  @RateLimit(WRITE_LIMITS.readMarks)
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiNoContentResponse({ description: 'Read' })
  markAllRead(@Caller() caller: AuthContext) {
    return this.notifications.markRead(caller.userId);
  }
}
