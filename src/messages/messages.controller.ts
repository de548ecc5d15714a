import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { MessageBodyDto, MessageCreateDto } from './dto/message-create.dto.js';
import { MessageListDto, SyncQueryDto } from './dto/message-list.dto.js';
import { EmojiParamPipe } from './emoji-param.pipe.js';
import { MessageChangesService } from './message-changes.service.js';
import { SEND_LIMIT } from './send-limit.js';
import { MessagesService } from './messages.service.js';
import { SyncService } from './sync.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/conversations/:id`)
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly changes: MessageChangesService,
    private readonly syncs: SyncService,
  ) {}

  @Post('messages')
  @RateLimit(SEND_LIMIT)
  @ApiOperation({
    summary:
      'Send a message (201). The same clientMessageId from you in this conversation again answers 200 with the ' +
      'first message; a clientMessageId is unique per conversation and sender, so in another conversation it is a new message. ' +
      '403 REQUEST_PENDING / REQUEST_DECLINED / BLOCKED when you may not write; 30 sends/min per user. ' +
      'With threadRootId it is a reply in that thread (its root gets the new thread summary, thread.updated). ' +
      'mentions { userIds, all } are resolved when stored: @username of accepted members (not of one who blocked ' +
      'you; at most 50 names), @all / @here for everyone (in groups over 50 members only from the owner or ' +
      'admins; otherwise plain text). An edit keeps the mentions the message was sent with.',
  })
  async send(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: MessageCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { message, created } = await this.messages.send(caller.userId, id, dto);
    void reply.status(created ? 201 : 200);
    return message;
  }

  @Get('messages')
  @ApiOperation({
    summary:
      'Messages in ascending seq: { items, hasMore }. Without before/after, the latest page (served from Redis ' +
      'when warm, X-Cache); hasMore tells whether there are older (before, latest) or newer (after) messages. ' +
      'Thread replies are left out unless includeThreadReplies=true (then the latest page is not cached). ' +
      'A thread root carries thread { replyCount, lastReplyAt, lastReplySeq, participantIds }. ' +
      'Messages you hid are not shown.',
  })
  async list(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: MessageListDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { value, hit } = await this.messages.list(caller.userId, id, query);
    void reply.header('x-cache', hit ? 'HIT' : 'MISS');
    return value.send(reply);
  }

  @Patch('messages/:messageId')
  @RateLimit(WRITE_LIMITS.messageChanges)
  @ApiOperation({
    summary:
      'Edit your message: { body }. Sets editedAt. 409 MESSAGE_DELETED on a deleted one; 403 BLOCKED in a direct ' +
      'conversation across a block.',
  })
  edit(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Body() dto: MessageBodyDto,
  ) {
    return this.changes.edit(caller.userId, id, messageId, dto.body);
  }

  @Delete('messages/:messageId')
  @RateLimit(WRITE_LIMITS.messageChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a message (yours, or any as group owner/admin): it stays as a tombstone with an empty body.',
  })
  @ApiNoContentResponse()
  delete(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
  ) {
    return this.changes.delete(caller.userId, id, messageId);
  }

  @Put('messages/:messageId/reactions/:emoji')
  @RateLimit(WRITE_LIMITS.reactions)
  @ApiOperation({
    summary:
      'Add your reaction (idempotent): { conversationId, messageId, reactions: { emoji: count } }. :emoji is one ' +
      'Unicode emoji (an RGI emoji sequence: skin tones, ZWJ sequences, flags, keycaps) or a shortcode ' +
      ':[a-z0-9_+-]{1,32}:, percent-encoded; anything else is 400. At most 50 distinct reactions per message: a new ' +
      'one past that is 409 REACTION_LIMIT. 403 BLOCKED in a direct conversation across a block.',
  })
  react(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Param('emoji', EmojiParamPipe) emoji: string,
  ) {
    return this.changes.react(caller.userId, id, messageId, emoji, true);
  }

  @Delete('messages/:messageId/reactions/:emoji')
  @RateLimit(WRITE_LIMITS.reactions)
  @ApiOperation({ summary: 'Remove your reaction (idempotent): { conversationId, messageId, reactions }.' })
  unreact(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Param('emoji', EmojiParamPipe) emoji: string,
  ) {
    return this.changes.react(caller.userId, id, messageId, emoji, false);
  }

  @Get('sync')
  @RateLimit(WRITE_LIMITS.syncs)
  @ApiOperation({
    summary:
      'Everything created, edited, deleted or reacted to since your last seq, in the order it changed, thread ' +
      "replies and their roots' new summaries included: { items, lastSeq, hasMore, nextCursor }. While hasMore, " +
      'call again with the same since and cursor=nextCursor.',
  })
  sync(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Query() query: SyncQueryDto) {
    return this.syncs.sync(caller.userId, id, query);
  }
}
