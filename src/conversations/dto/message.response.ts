import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type {
  LinkAttachment,
  MentionsView,
  MessageView,
  ReactionsView,
  ThreadSummary,
  UploadAttachment,
} from '../message.presenter.js';

const REACTION_COUNTS = {
  type: 'object',
  additionalProperties: { type: 'integer', minimum: 1 },
  example: { '👍': 2, ':party:': 1 },
  description: 'Count per emoji (an RGI emoji sequence or a :shortcode:); emojis nobody gives are absent',
} as const;

@ApiSchema({ name: 'LinkAttachment', description: 'An external attachment: the metadata its sender gave' })
export class LinkAttachmentResponse implements LinkAttachment {
  @ApiProperty({ format: 'uri', description: 'https, no user info, a host name (not an IP)' })
  url!: string;

  @ApiProperty({ example: 'image/png' })
  mimeType!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes, as the sender declared' })
  size!: number;

  @ApiProperty()
  name!: string;
}

@ApiSchema({
  name: 'UploadAttachment',
  description: 'An upload the message carries, as checked when it completed; links from GET /uploads/:id/url',
})
export class UploadAttachmentResponse implements UploadAttachment {
  @ApiProperty({ format: 'uuid' })
  uploadId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'image/png', description: 'The type sniffed from the bytes' })
  mimeType!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes as stored' })
  size!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Images only' })
  width?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Images only' })
  height?: number;

  @ApiProperty({ description: 'Images: a thumbnail (≤ 320 px) exists' })
  hasThumbnail!: boolean;
}

@ApiSchema({ name: 'ThreadSummary', description: "A thread root's replies, kept by every reply's send" })
export class ThreadSummaryResponse implements ThreadSummary {
  @ApiProperty({ type: 'integer', minimum: 1 })
  replyCount!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastReplyAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  lastReplySeq!: number | null;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 5,
    description: 'The first 5 distinct repliers, in the order they first replied',
  })
  participantIds!: string[];
}

@ApiSchema({ name: 'Mentions' })
export class MentionsResponse implements MentionsView {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 50,
    description: '@username of accepted members, resolved when the message was stored',
  })
  userIds!: string[];

  @ApiProperty({ description: '@all or @here, from a sender allowed to use them' })
  all!: boolean;
}

@ApiExtraModels(LinkAttachmentResponse, UploadAttachmentResponse)
@ApiSchema({
  name: 'Message',
  description:
    'A message. A deleted one stays as a tombstone: body empty, attachments and reactions empty, deletedAt set',
})
export class MessageResponse implements MessageView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Gap-free position in the conversation' })
  seq!: number;

  @ApiProperty({ format: 'uuid' })
  senderId!: string;

  @ApiProperty({ description: "The sender's idempotency key, unique per conversation and sender" })
  clientMessageId!: string;

  @ApiProperty({ description: 'Empty for a tombstone (and possibly for a message with attachments only)' })
  body!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  replyToId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The thread it replies in; null on the timeline',
  })
  threadRootId!: string | null;

  @ApiProperty({
    type: ThreadSummaryResponse,
    nullable: true,
    description: 'A timeline message’s thread, once it has a reply',
  })
  thread!: ThreadSummaryResponse | null;

  @ApiProperty({ type: MentionsResponse })
  mentions!: MentionsResponse;

  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(UploadAttachmentResponse) }, { $ref: getSchemaPath(LinkAttachmentResponse) }],
    },
    maxItems: 10,
    description: 'Uploads (uploadId) or external links (url)',
  })
  attachments!: (UploadAttachmentResponse | LinkAttachmentResponse)[];

  @ApiProperty(REACTION_COUNTS)
  reactions!: Record<string, number>;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  editedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deletedAt!: string | null;
}

@ApiSchema({ name: 'ReactionCounts', description: "A message's reaction counts after a change" })
export class ReactionsResponse implements ReactionsView {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty(REACTION_COUNTS)
  reactions!: Record<string, number>;
}
