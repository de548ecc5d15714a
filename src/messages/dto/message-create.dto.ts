import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsUuid } from '#src/common/validation/uuid.js';
import { TextLength } from '#src/common/validation/text-length.js';

const BODY_MAX_LENGTH = 4000;
/** A body needs something besides whitespace. */
const NOT_BLANK = /\S/;

/**
 * `{ uploadId }`: one of the sender's ready uploads; or an external file `{ url, mimeType, size, name }`
 * (https, no user info, a host name rather than an IP address).
 */
export class AttachmentDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'One of your ready uploads (then give nothing else)' })
  @IsOptional()
  @IsUuid('uploadId must be a UUID')
  uploadId?: string;

  @ApiPropertyOptional({ maxLength: 2048, description: 'An https URL whose host is a name, without user info' })
  @ValidateIf((attachment: AttachmentDto) => attachment.uploadId === undefined)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, disallow_auth: true },
    { message: 'url must be an https URL without user info' },
  )
  @TextLength(0, 2048)
  url?: string;

  @ApiPropertyOptional({ example: 'image/png', maxLength: 127 })
  @ValidateIf((attachment: AttachmentDto) => attachment.uploadId === undefined)
  @IsString()
  @TextLength(0, 127)
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mimeType must look like type/subtype' })
  mimeType?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 2147483647, description: 'Bytes' })
  @ValidateIf((attachment: AttachmentDto) => attachment.uploadId === undefined)
  @IsInt()
  @Min(0)
  @Max(2147483647)
  size?: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @ValidateIf((attachment: AttachmentDto) => attachment.uploadId === undefined)
  @IsString()
  @TextLength(1, 255)
  name?: string;
}

/** The body of a message, new or edited. */
export class MessageBodyDto {
  @ApiProperty({ minLength: 1, maxLength: BODY_MAX_LENGTH })
  @IsString()
  @TextLength(1, BODY_MAX_LENGTH)
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body!: string;
}

export class MessageCreateDto extends MessageBodyDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'Chosen by the client, unique per conversation and sender: sending it again to the same conversation ' +
      'returns the first message instead of storing a second',
  })
  @IsUuid('clientMessageId must be a UUID')
  clientMessageId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A message of the same conversation' })
  @IsOptional()
  @IsUuid('replyToId must be a UUID')
  replyToId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Reply in this thread: a timeline message of the same conversation (not itself a reply, not deleted). ' +
      "The reply takes the conversation's next seq like any message",
  })
  @IsOptional()
  @IsUuid('threadRootId must be a UUID')
  threadRootId?: string;

  @ApiPropertyOptional({ type: [AttachmentDto], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}
