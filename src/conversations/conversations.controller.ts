import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { ApiCacheHeader, setCacheHeader } from '#src/infra/cache/cache-header.js';
import { PrefetchCache, Prefetched, type PrefetchedEntry } from '#src/infra/cache/cache-prefetch.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { ConversationCache } from './conversation-cache.js';
import { ConversationStarter } from './conversation-starter.service.js';
import { ConversationsService } from './conversations.service.js';
import { ConversationCreateDto } from './dto/conversation-create.dto.js';
import {
  ConversationPageResponse,
  ConversationResponse,
  ReadMarkResponse,
  UnreadResponse,
} from './dto/conversation.response.js';
import { ConversationUpdateDto } from './dto/conversation-update.dto.js';
import { MemberRoleDto } from './dto/member-role.dto.js';
import { MembersAddDto } from './dto/members-add.dto.js';
import { DeliveryMarkDto } from './dto/delivery-mark.dto.js';
import { ReadMarkDto } from './dto/read-mark.dto.js';
import { DeliveryMarkResponse, ReceiptsResponse } from './dto/receipts.response.js';
import { MembersService } from './members.service.js';
import { ReadMarksService } from './read-marks.service.js';
import { ReceiptsService } from './receipts.service.js';

const NOT_MEMBER = { 404: 'CONVERSATION_NOT_FOUND: you are not a member' } as const;

/** Whose marks others see, in one place for the receipt routes' documentation. */
const SHARING =
  'A member shares their marks while their settings.readReceipts is true (the default) and they have accepted the conversation ' +
  '(a message request is not seen read or delivered before its recipient answers). ' +
  'A member who does not share them is left out of GET /reads, and read and delivered events about them reach only their own sockets ' +
  '(so their other devices follow); their own unread counts are unaffected. A change of the setting applies from its answer on, on every instance.';

@ApiTags('conversations')
@ApiSignedIn()
@Controller(`${API_PREFIX}/conversations`)
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly starter: ConversationStarter,
    private readonly members: MembersService,
    private readonly readMarks: ReadMarksService,
    private readonly receipts: ReceiptsService,
  ) {}

  @Post()
  @RateLimit(WRITE_LIMITS.conversationCreates)
  @ApiOperation({
    summary: 'Open a direct conversation or create a group',
    description:
      'Open the direct conversation with userId (201 when created, 200 with the existing one; a message request ' +
      'for a user who shares no conversation with you; 403 BLOCKED across a block), or create a group ' +
      '({ type: "group", title, memberIds }: 2–500 members with you as owner; 400 naming unknown users; ' +
      '403 BLOCKED when two of them, you included, have a block between them).',
  })
  @ApiCreatedResponse({ type: ConversationResponse, description: 'Created' })
  @ApiOkResponse({ type: ConversationResponse, description: 'The direct conversation you already have with userId' })
  @ApiErrors({
    400: 'VALIDATION_FAILED: a bad body, your own userId, no other member, or memberIds naming unknown users',
    403: 'BLOCKED: a block between you and userId, or between two of the members',
    404: 'USER_NOT_FOUND: no active user has userId',
  })
  async create(
    @Caller() caller: AuthContext,
    @Body() dto: ConversationCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { conversation, created } = await this.starter.create(caller.userId, dto);
    void reply.status(created ? 201 : 200);
    return conversation;
  }

  @Get()
  @ApiOperation({
    summary: 'Your conversations',
    description:
      'Most recent activity first, paged by cursor. Each has status (pending for a ' +
      'request to you), role, muted, memberCount, members (first 5), lastSeq, lastReadSeq, unreadCount (timeline ' +
      'messages only: thread replies count in their threads), unreadMentionCount (of those, the ones mentioning you) ' +
      'and lastMessage (the latest message, a thread reply included). Hidden conversations come back with their ' +
      'next message; declined requests stay out. ' +
      'The first page is cached per user (X-Cache).',
  })
  @ApiOkResponse({ type: ConversationPageResponse })
  @ApiCacheHeader()
  @ApiErrors(400)
  // A page after a cursor is not cached: only the first page's read goes out ahead.
  @PrefetchCache((request, auth) =>
    (request.query as { cursor?: unknown } | undefined)?.cursor === undefined
      ? ConversationCache.listKey(auth.userId)
      : undefined,
  )
  async list(
    @Caller() caller: AuthContext,
    @Query() query: ListQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Prefetched() prefetched?: PrefetchedEntry,
  ) {
    const { value, hit } = await this.conversations.list(caller.userId, query.limit, query.cursor, prefetched);
    setCacheHeader(reply, hit);
    return value.send(reply);
  }

  @Get('unread')
  @ApiOperation({
    summary: 'Your unread counts',
    description:
      'Unread messages: { total, items: [{ conversationId, unreadCount, unreadMentionCount }] } over accepted ' +
      'conversations with any; thread replies are not counted (total sums unreadCount). Your own messages count as ' +
      'read. Cached per user (X-Cache).',
  })
  @ApiOkResponse({ type: UnreadResponse })
  @ApiCacheHeader()
  async unread(@Caller() caller: AuthContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const { value, hit } = await this.readMarks.unread(caller.userId);
    setCacheHeader(reply, hit);
    return value;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your conversations', description: 'With every member and role.' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(400, NOT_MEMBER)
  detail(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.conversations.detail(caller.userId, id);
  }

  @Patch(':id')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @ApiOperation({
    summary: 'Change a conversation',
    description:
      '{ title, slowModeSeconds (0–3600, 0 off), frozen } (group owner/admin, else 403 NOT_GROUP_ADMIN; 400 NOT_A_GROUP ' +
      'in a direct conversation) and/or { muted } (your own notification setting). Returns the conversation; a group change ' +
      'sends conversation.updated to every member and applies on every instance at once (docs/moderation.md).',
  })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(NOT_MEMBER, {
    400: 'VALIDATION_FAILED (nothing to change among the fields included); NOT_A_GROUP for a group field in a direct conversation',
    403: 'NOT_GROUP_ADMIN: a group field from a plain member',
  })
  update(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Body() dto: ConversationUpdateDto) {
    return this.conversations.update(caller.userId, id, dto);
  }

  @Delete(':id')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Hide a conversation for yourself',
    description:
      'Hide for me: the conversation leaves your list and the messages sent so far stay hidden from you; ' +
      'it comes back when a new message arrives. Other members are not affected.',
  })
  @ApiNoContentResponse({ description: 'Hidden' })
  @ApiErrors(400, NOT_MEMBER)
  hide(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.conversations.hide(caller.userId, id);
  }

  @Post(':id/members')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add members to a group',
    description:
      'Add { userIds } (1–100) to a group (owner/admin). Members already in it are skipped. 409 GROUP_FULL past ' +
      '500 members, 404 USER_NOT_FOUND for unknown users, 403 BLOCKED when a block (either way) stands between ' +
      'one of them and a member or another of them, 403 BANNED (nobody added) when one of them is banned from the group.',
  })
  @ApiOkResponse({ type: ConversationResponse, description: 'The group, with its members' })
  @ApiErrors({
    400: 'VALIDATION_FAILED; NOT_A_GROUP',
    403: 'NOT_GROUP_ADMIN; BLOCKED; BANNED (nobody added)',
    404: 'CONVERSATION_NOT_FOUND: you are not a member; USER_NOT_FOUND (details name them)',
    409: 'GROUP_FULL: past 500 members',
  })
  addMembers(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Body() dto: MembersAddDto) {
    return this.members.add(caller.userId, id, dto.userIds);
  }

  @Patch(':id/members/:userId')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @ApiOperation({ summary: "Set a member's role", description: 'admin or member; the group owner only.' })
  @ApiOkResponse({ type: ConversationResponse, description: 'The group, with its members' })
  @ApiErrors({
    400: 'VALIDATION_FAILED; NOT_A_GROUP',
    403: 'NOT_GROUP_OWNER: only the owner sets roles',
    404: 'CONVERSATION_NOT_FOUND: you are not a member; MEMBER_NOT_FOUND',
    409: "OWNER_ROLE_FIXED: the owner's role does not change",
  })
  setRole(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() dto: MemberRoleDto,
  ) {
    return this.members.setRole(caller.userId, id, userId, dto.role);
  }

  @Delete(':id/members/:userId')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Leave a group, or remove a member',
    description:
      'Leave a group (your own id), or remove a member: the owner removes anyone, an admin plain members. ' +
      'When the owner leaves, the longest-standing admin (else member) becomes owner.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({
    400: 'VALIDATION_FAILED; NOT_A_GROUP',
    403: 'NOT_GROUP_ADMIN: a plain member removing someone else, or an admin removing an admin or the owner',
    404: 'CONVERSATION_NOT_FOUND: you are not a member; MEMBER_NOT_FOUND',
  })
  removeMember(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
  ) {
    return this.members.remove(caller.userId, id, userId);
  }

  @Post(':id/accept')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a message request', description: 'No change when already accepted.' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(400, NOT_MEMBER)
  accept(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.members.accept(caller.userId, id);
  }

  @Post(':id/decline')
  @RateLimit(WRITE_LIMITS.conversationChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Decline a message request',
    description:
      'Decline a message request: it leaves your list and the sender gets 403 REQUEST_DECLINED on send. ' +
      '409 NOT_A_REQUEST when the conversation is not a request to you. Accepting later reopens it.',
  })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(400, NOT_MEMBER, { 409: 'NOT_A_REQUEST: you accepted this conversation already' })
  decline(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.members.decline(caller.userId, id);
  }

  @Post(':id/read')
  @RateLimit(WRITE_LIMITS.readMarks)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move your read mark forward',
    description: 'To { seq }, never back; 400 past the last message.',
  })
  @ApiOkResponse({ type: ReadMarkResponse })
  @ApiErrors(NOT_MEMBER, { 400: 'VALIDATION_FAILED: seq not an integer ≥ 0, or past the last message' })
  markRead(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Body() dto: ReadMarkDto) {
    return this.readMarks.markRead(caller.userId, id, dto.seq);
  }

  @Post(':id/delivered')
  @RateLimit(WRITE_LIMITS.deliveryMarks)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move your delivery mark forward',
    description:
      'Say that messages up to seq reached one of your devices. The mark never moves back (a lower seq answers the mark as it is) ' +
      "and never past the conversation's last message (400 VALIDATION_FAILED on seq). Reading implies delivery: lastDeliveredSeq is " +
      'the greater of your delivery and read marks. The members get a delivered { conversationId, userId, seq } event only when the ' +
      'mark moved, once per move even when calls race; a read mark moving past the delivery mark sends only its read event, which ' +
      `implies delivery. ${SHARING} Same as the conversation.delivered socket event, with which it shares ` +
      'DELIVERY_MARKS_PER_MINUTE_PER_USER (its own budget: every device acknowledges every message it receives, far more often than anyone reads). ' +
      '404 CONVERSATION_NOT_FOUND when you are not a member.',
  })
  @ApiOkResponse({ type: DeliveryMarkResponse })
  @ApiErrors(NOT_MEMBER, { 400: 'VALIDATION_FAILED: seq not an integer ≥ 0, or past the last message' })
  markDelivered(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Body() dto: DeliveryMarkDto) {
    return this.receipts.markDelivered(caller.userId, id, dto.seq);
  }

  @Get(':id/reads')
  @ApiOperation({
    summary: 'Read and delivery marks of the members who share them',
    description:
      'Every member who shares their marks, in the order they joined, the caller included when they share theirs; not paginated: ' +
      `a group has at most 500 members, so the list is bounded by that cap. lastDeliveredSeq is never below lastReadSeq. ${SHARING} ` +
      'Any member who can see the conversation may ask; 404 CONVERSATION_NOT_FOUND for anyone else. Not cached: marks move all the time.',
  })
  @ApiOkResponse({ type: ReceiptsResponse })
  @ApiErrors(400, NOT_MEMBER)
  reads(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.receipts.reads(caller.userId, id);
  }
}
