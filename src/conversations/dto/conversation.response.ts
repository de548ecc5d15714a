import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from '#src/common/pagination/pagination.js';
import type { ConversationSummary } from '../conversation.events.js';
import type { ConversationType, MemberRole, MemberStatus, ModerationMute } from '../conversation-meta.js';
import type { ConversationView, MemberView, ReadMarkView, UnreadView } from '../conversation.presenter.js';
import type { UnreadCounts } from '../conversations.repository.js';
import { MessageResponse } from './message.response.js';

const TYPES: ConversationType[] = ['direct', 'group'];
const ROLES: MemberRole[] = ['owner', 'admin', 'member'];
const STATUSES: MemberStatus[] = ['pending', 'accepted', 'declined'];

@ApiSchema({
  name: 'ModerationMute',
  description: "A group owner's or admin's mute: the member reads but cannot write",
})
export class ModerationMuteResponse implements ModerationMute {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: until unmuted' })
  until!: string | null;
}

@ApiSchema({ name: 'Member', description: 'A member as shown in a conversation' })
export class MemberResponse implements MemberView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  avatarUrl!: string | null;

  @ApiProperty({ enum: ROLES })
  role!: MemberRole;

  @ApiProperty({ description: 'A deleted account' })
  deleted!: boolean;

  @ApiProperty({
    type: ModerationMuteResponse,
    nullable: true,
    description: 'null when not muted, or once until passed',
  })
  moderationMute!: ModerationMuteResponse | null;
}

@ApiSchema({
  name: 'Conversation',
  description: 'A conversation as the caller sees it: their status, marks and counts',
})
export class ConversationResponse implements ConversationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: TYPES })
  type!: ConversationType;

  @ApiProperty({ type: String, nullable: true, description: 'Groups; null for a direct conversation' })
  title!: string | null;

  @ApiProperty({ enum: STATUSES, description: 'Your answer to a message request: pending until accepted' })
  status!: MemberStatus;

  @ApiProperty({ enum: ROLES, description: 'Your role' })
  role!: MemberRole;

  @ApiProperty({ description: 'Your own notification setting' })
  muted!: boolean;

  @ApiProperty({ type: ModerationMuteResponse, nullable: true, description: 'Whether an owner or admin muted you' })
  moderationMute!: ModerationMuteResponse | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 3600, description: '0: slow mode off' })
  slowModeSeconds!: number;

  @ApiProperty({ description: 'Only the owner and admins write' })
  frozen!: boolean;

  @ApiProperty({ type: 'integer', minimum: 1 })
  memberCount!: number;

  @ApiProperty({
    type: [MemberResponse],
    description: 'By join time: the first 5 in lists, every member in the detail',
  })
  members!: MemberResponse[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  lastSeq!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Your read mark (never below what you hid)' })
  lastReadSeq!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Timeline messages past your read mark, not your own' })
  unreadCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Of those, the ones mentioning you' })
  unreadMentionCount!: number;

  @ApiProperty({ type: MessageResponse, nullable: true, description: 'The latest message (a thread reply included)' })
  lastMessage!: MessageResponse | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastActivityAt!: string;
}

@ApiSchema({ name: 'ConversationPage' })
export class ConversationPageResponse implements Page<ConversationView> {
  @ApiProperty({ type: [ConversationResponse], description: 'Most recent activity first' })
  items!: ConversationResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last' })
  nextCursor!: string | null;
}

@ApiSchema({
  name: 'ConversationSummary',
  description: 'What a conversation looks like to anyone in it (what conversation events carry)',
})
export class ConversationSummaryResponse implements ConversationSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: TYPES })
  type!: ConversationType;

  @ApiProperty({ type: String, nullable: true })
  title!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 3600 })
  slowModeSeconds!: number;

  @ApiProperty()
  frozen!: boolean;

  @ApiProperty({ type: 'integer', minimum: 1 })
  memberCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastActivityAt!: string;
}

@ApiSchema({ name: 'ReadMark', description: 'Your read mark and what is left unread' })
export class ReadMarkResponse implements ReadMarkView {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  lastReadSeq!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadMentionCount!: number;
}

@ApiSchema({ name: 'UnreadCounts' })
export class UnreadCountsResponse implements UnreadCounts {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadMentionCount!: number;
}

@ApiSchema({ name: 'Unread' })
export class UnreadResponse implements UnreadView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The sum of the items’ unreadCount' })
  total!: number;

  @ApiProperty({
    type: [UnreadCountsResponse],
    description: 'Accepted conversations with unread messages or mentions, most recent activity first',
  })
  items!: UnreadCountsResponse[];
}
