import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, ValidateIf } from 'class-validator';
import { IsUuid } from '#src/common/validation/uuid.js';
import { TextLength } from '#src/common/validation/text-length.js';

/** A group holds at most this many members, its owner included (docs/api.md). */
export const GROUP_MAX_MEMBERS = 500;

/** A title needs something besides spaces. */
export const NOT_BLANK = /\S/;

/** `POST /conversations`: `{ type: "direct", userId }` or `{ type: "group", title, memberIds }`. */
export class ConversationCreateDto {
  @ApiProperty({ enum: ['direct', 'group'] })
  @IsIn(['direct', 'group'])
  type!: 'direct' | 'group';

  @ApiPropertyOptional({ format: 'uuid', description: 'The other user (direct only)' })
  @ValidateIf((dto: ConversationCreateDto) => dto.type === 'direct' || dto.userId !== undefined)
  @IsUuid('userId must be a UUID')
  userId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Group only' })
  @ValidateIf((dto: ConversationCreateDto) => dto.type === 'group' || dto.title !== undefined)
  @IsString()
  @TextLength(1, 100)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: `The other members of a group (1–${GROUP_MAX_MEMBERS - 1}, without the caller)`,
  })
  @ValidateIf((dto: ConversationCreateDto) => dto.type === 'group' || dto.memberIds !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GROUP_MAX_MEMBERS - 1)
  @ArrayUnique()
  @IsUuid('each of memberIds must be a UUID', { each: true })
  memberIds?: string[];
}
