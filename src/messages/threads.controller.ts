import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { ReadMarkDto } from '#src/conversations/dto/read-mark.dto.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { SeqPageDto } from './dto/message-list.dto.js';
import { ThreadsService } from './threads.service.js';

@ApiTags('threads')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/conversations/:id/threads`)
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  @Get()
  @ApiOperation({
    summary:
      'The threads you follow here, most recent reply first: { items: [{ root, thread, unreadCount }], nextCursor }. ' +
      'You follow a thread you started (once it has a reply), replied in, or were mentioned in, until you unfollow; ' +
      'replying follows it again. Only threads with replies, above your hide point.',
  })
  list(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Query() query: ListQueryDto) {
    return this.threads.followed(caller.userId, id, query.limit, query.cursor);
  }

  @Get(':rootId/messages')
  @ApiOperation({
    summary:
      "A thread's replies in ascending seq: { items, hasMore }. Without before/after, the first replies; hasMore " +
      'tells whether there are more in the direction asked. 404 MESSAGE_NOT_FOUND when rootId is not a timeline ' +
      'message you can see.',
  })
  replies(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('rootId', uuidParam('rootId')) rootId: string,
    @Query() query: SeqPageDto,
  ) {
    return this.threads.replies(caller.userId, id, rootId, query);
  }

  @Post(':rootId/read')
  @HttpCode(200)
  @RateLimit(WRITE_LIMITS.readMarks)
  @ApiOperation({
    summary:
      'Move your read mark in the thread forward to { seq } (never back; 400 past its last reply): ' +
      "{ conversationId, rootId, lastReadSeq, unreadCount }. It does not move the conversation's read mark.",
  })
  read(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('rootId', uuidParam('rootId')) rootId: string,
    @Body() dto: ReadMarkDto,
  ) {
    return this.threads.markRead(caller.userId, id, rootId, dto.seq);
  }

  @Put(':rootId/follow')
  @HttpCode(204)
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @ApiOperation({ summary: 'Follow the thread (idempotent): it is in your thread list.' })
  @ApiNoContentResponse()
  follow(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('rootId', uuidParam('rootId')) rootId: string,
  ) {
    return this.threads.setFollowing(caller.userId, id, rootId, true);
  }

  @Delete(':rootId/follow')
  @HttpCode(204)
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @ApiOperation({ summary: 'Unfollow the thread (idempotent): it leaves your thread list until you reply in it.' })
  @ApiNoContentResponse()
  unfollow(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('rootId', uuidParam('rootId')) rootId: string,
  ) {
    return this.threads.setFollowing(caller.userId, id, rootId, false);
  }
}
