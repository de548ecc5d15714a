import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, ValidateIf } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { NOT_BLANK } from './conversation-create.dto.js';

/** `PATCH /conversations/:id`: `title` (group owner/admin) and/or `muted` (the caller's own setting). */
export class ConversationUpdateDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf((dto: ConversationUpdateDto) => dto.title !== undefined)
  @IsString()
  @TextLength(1, 100)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title?: string;

  @ApiPropertyOptional({ description: 'No `message` notifications for the caller; mentions still notify' })
  @ValidateIf((dto: ConversationUpdateDto) => dto.muted !== undefined)
  @IsBoolean()
  muted?: boolean;
}
