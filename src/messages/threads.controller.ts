import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { ReadMarkDto } from '#src/conversations/dto/read-mark.dto.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { SeqPageDto } from './dto/message-list.dto.js';
import { MessagePageResponse } from './dto/message-page.response.js';
import { ThreadPageResponse, ThreadReadMarkResponse } from './dto/thread.response.js';
import { ThreadsService } from './threads.service.js';

const NO_ROOT = {
  404: 'CONVERSATION_NOT_FOUND: you are not a member; MESSAGE_NOT_FOUND: rootId is not a timeline message you can see',
} as const;

@ApiTags('threads')
@ApiSignedIn()
@Controller(`${API_PREFIX}/conversations/:id/threads`)
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  @Get()
  @ApiOperation({
    summary: 'The threads you follow in a conversation',
    description:
      'Most recent reply first: { items: [{ root, thread, unreadCount }], nextCursor }. ' +
      'You follow a thread you started (once it has a reply), replied in, or were mentioned in, until you unfollow; ' +
      'replying follows it again. Only threads with replies, above your hide point.',
  })
  @ApiOkResponse({ type: ThreadPageResponse })
  @ApiErrors(400, { 404: 'CONVERSATION_NOT_FOUND: you are not a member' })
  list(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Query() query: ListQueryDto) {
    return this.threads.followed(caller.userId, id, query.limit, query.cursor);
  }

  @Get(':rootId/messages')
  @ApiOperation({
    summary: "A thread's replies",
    description:
      'In ascending seq: { items, hasMore }. Without before/after, the first replies; hasMore ' +
      'tells whether there are more in the direction asked. 404 MESSAGE_NOT_FOUND when rootId is not a timeline ' +
      'message you can see.',
  })
  @ApiOkResponse({ type: MessagePageResponse })
  @ApiErrors(NO_ROOT, { 400: 'VALIDATION_FAILED: a bad before, after or limit, or both before and after' })
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
    summary: 'Move your read mark in a thread forward',
    description: "To { seq }, never back; 400 past its last reply. It does not move the conversation's read mark.",
  })
  @ApiOkResponse({ type: ThreadReadMarkResponse })
  @ApiErrors(NO_ROOT, { 400: "VALIDATION_FAILED: seq not an integer ≥ 0, or past the thread's last reply" })
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
  @ApiOperation({ summary: 'Follow a thread', description: 'Idempotent: it is in your thread list.' })
  @ApiNoContentResponse({ description: 'Followed' })
  @ApiErrors(400, NO_ROOT)
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
  @ApiOperation({
    summary: 'Unfollow a thread',
    description: 'Idempotent: it leaves your thread list until you reply in it.',
  })
  @ApiNoContentResponse({ description: 'Not followed' })
  @ApiErrors(400, NO_ROOT)
  unfollow(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('rootId', uuidParam('rootId')) rootId: string,
  ) {
    return this.threads.setFollowing(caller.userId, id, rootId, false);
  }
}
