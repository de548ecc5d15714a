import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { ApiCacheHeader, setCacheHeader } from '#src/infra/cache/cache-header.js';
import { MessageResponse, ReactionsResponse } from '#src/conversations/dto/message.response.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { MessageBodyDto, MessageCreateDto } from './dto/message-create.dto.js';
import { MessageListDto, SyncQueryDto } from './dto/message-list.dto.js';
import { MessagePageResponse } from './dto/message-page.response.js';
import { ReactionDetailsResponse } from './dto/reaction.response.js';
import { SyncResponse } from './dto/sync.response.js';
import { EmojiParamPipe } from './emoji-param.pipe.js';
import { MessageChangesService } from './message-changes.service.js';
import { SEND_LIMIT } from './send-limit.js';
import { MessagesService } from './messages.service.js';
import { ReactionsService } from './reactions.service.js';
import { SyncService } from './sync.service.js';

/** Who may write, as every write route checks it (docs/moderation.md for mutes and freezes). */
const WRITE_REFUSALS =
  'REQUEST_PENDING / REQUEST_DECLINED (a message request not accepted); BLOCKED (a direct conversation across a block); ' +
  'MEMBER_MUTED; CONVERSATION_FROZEN (groups: only the owner and admins write)';

const NOT_VISIBLE = {
  404: 'CONVERSATION_NOT_FOUND: you are not a member; MESSAGE_NOT_FOUND: not in this conversation, or hidden from you',
} as const;

@ApiTags('messages')
@ApiSignedIn()
@Controller(`${API_PREFIX}/conversations/:id`)
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly changes: MessageChangesService,
    private readonly syncs: SyncService,
    private readonly reactions: ReactionsService,
  ) {}

  @Post('messages')
  @RateLimit(SEND_LIMIT)
  @ApiOperation({
    summary: 'Send a message',
    description:
      'Send a message (201). The same clientMessageId from you in this conversation again answers 200 with the ' +
      'first message; a clientMessageId is unique per conversation and sender, so in another conversation it is a new message. ' +
      '403 REQUEST_PENDING / REQUEST_DECLINED / BLOCKED when you may not write; 30 sends/min per user. ' +
      'With threadRootId it is a reply in that thread (its root gets the new thread summary, thread.updated). ' +
      'mentions { userIds, all } are resolved when stored: @username of accepted members (not of one who blocked ' +
      'you; at most 50 names), @all / @here for everyone (in groups over 50 members only from the owner or ' +
      'admins; otherwise plain text). An edit keeps the mentions the message was sent with.',
  })
  @ApiCreatedResponse({ type: MessageResponse, description: 'Stored' })
  @ApiOkResponse({ type: MessageResponse, description: 'The message first sent with this clientMessageId' })
  @ApiErrors({
    400:
      'VALIDATION_FAILED: a bad body; replyToId not a message of this conversation; threadRootId not a timeline message ' +
      'of it, or deleted; an attachment not one of your completed uploads, or a link refused',
    403: WRITE_REFUSALS,
    404: 'CONVERSATION_NOT_FOUND: you are not a member',
    429: 'SLOW_MODE: the group allows you one message per slowModeSeconds; Retry-After says when',
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
    summary: 'Messages of a conversation',
    description:
      'Messages in ascending seq: { items, hasMore }. Without before/after, the latest page (served from Redis ' +
      'when warm, X-Cache); hasMore tells whether there are older (before, latest) or newer (after) messages. ' +
      'Thread replies are left out unless includeThreadReplies=true (then the latest page is not cached). ' +
      'A thread root carries thread { replyCount, lastReplyAt, lastReplySeq, participantIds }. ' +
      'Messages you hid are not shown.',
  })
  @ApiOkResponse({ type: MessagePageResponse })
  @ApiCacheHeader()
  @ApiErrors(
    { 400: 'VALIDATION_FAILED: a bad before, after or limit, or both before and after' },
    { 404: 'CONVERSATION_NOT_FOUND: you are not a member' },
  )
  async list(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: MessageListDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { value, hit } = await this.messages.list(caller.userId, id, query);
    setCacheHeader(reply, hit);
    return value.send(reply);
  }

  @Patch('messages/:messageId')
  @RateLimit(WRITE_LIMITS.messageChanges)
  @ApiOperation({
    summary: 'Edit your message',
    description:
      '{ body }. Sets editedAt. 409 MESSAGE_DELETED on a deleted one; 403 BLOCKED in a direct conversation across a block.',
  })
  @ApiOkResponse({ type: MessageResponse })
  @ApiErrors(400, NOT_VISIBLE, {
    403: 'NOT_MESSAGE_AUTHOR; BLOCKED; MEMBER_MUTED; CONVERSATION_FROZEN',
    409: 'MESSAGE_DELETED: the message is a tombstone',
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
    summary: 'Delete a message',
    description:
      'Yours, or any as group owner/admin: it stays as a tombstone with an empty body. Deleting a deleted message is fine.',
  })
  @ApiNoContentResponse({ description: 'A tombstone' })
  @ApiErrors(400, NOT_VISIBLE, { 403: 'NOT_MESSAGE_AUTHOR: not yours, and you are not a group owner or admin' })
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
    summary: 'React to a message',
    description:
      'Add your reaction (idempotent): { conversationId, messageId, reactions: { emoji: count } }. :emoji is one ' +
      'Unicode emoji (an RGI emoji sequence: skin tones, ZWJ sequences, flags, keycaps) or a shortcode ' +
      ':[a-z0-9_+-]{1,32}:, percent-encoded; anything else is 400. At most 50 distinct reactions per message: a new ' +
      'one past that is 409 REACTION_LIMIT. 403 BLOCKED in a direct conversation across a block.',
  })
  @ApiOkResponse({ type: ReactionsResponse })
  @ApiErrors(NOT_VISIBLE, {
    400: 'VALIDATION_FAILED: :emoji is not one emoji or a :shortcode:',
    403: WRITE_REFUSALS,
    409: 'MESSAGE_DELETED; REACTION_LIMIT: 50 distinct reactions already',
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
  @ApiOperation({ summary: 'Remove your reaction', description: 'Idempotent; allowed to anyone who sees the message.' })
  @ApiOkResponse({ type: ReactionsResponse })
  @ApiErrors(NOT_VISIBLE, {
    400: 'VALIDATION_FAILED: :emoji is not one emoji or a :shortcode:',
    409: 'MESSAGE_DELETED: the message is a tombstone',
  })
  unreact(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
    @Param('emoji', EmojiParamPipe) emoji: string,
  ) {
    return this.changes.react(caller.userId, id, messageId, emoji, false);
  }

  @Get('messages/:messageId/reactions')
  @ApiOperation({
    summary: 'Who reacted to a message',
    description:
      'Who reacted: { items: [{ emoji, count, me, userIds }] }, the most given reaction first, then the one given ' +
      'first. me: whether you gave it; userIds: its first 20 reactors, earliest first. At most 50 items (a ' +
      'message holds at most 50 distinct reactions). 404 MESSAGE_NOT_FOUND for a message hidden from you or deleted.',
  })
  @ApiOkResponse({ type: ReactionDetailsResponse })
  @ApiErrors(400, NOT_VISIBLE)
  reactionsOf(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
  ) {
    return this.reactions.list(caller.userId, id, messageId);
  }

  @Get('sync')
  @RateLimit(WRITE_LIMITS.syncs)
  @ApiOperation({
    summary: 'What changed since a seq',
    description:
      'Everything created, edited, deleted or reacted to since your last seq, in the order it changed, thread ' +
      "replies and their roots' new summaries included: { items, lastSeq, hasMore, nextCursor }. While hasMore, " +
      'call again with the same since and cursor=nextCursor.',
  })
  @ApiOkResponse({ type: SyncResponse })
  @ApiErrors(
    { 400: 'VALIDATION_FAILED: a bad since or cursor, or since past the last message' },
    { 404: 'CONVERSATION_NOT_FOUND: you are not a member' },
  )
  sync(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Query() query: SyncQueryDto) {
    return this.syncs.sync(caller.userId, id, query);
  }
}
