import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { NOT_BLANK } from './conversation-create.dto.js';

/** Slow mode's longest interval (docs/api.md): an hour. */
export const SLOW_MODE_MAX_SECONDS = 3600;

/**
 * `PATCH /conversations/:id`: `title`, `slowModeSeconds` and `frozen` (group owner/admin) and/or
 * `muted` (the caller's own notification setting).
 */
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

  @ApiPropertyOptional({
    minimum: 0,
    maximum: SLOW_MODE_MAX_SECONDS,
    description:
      'Groups (owner/admin): members other than the owner and admins may send one message per this many seconds ' +
      '(429 SLOW_MODE with Retry-After otherwise); 0 turns slow mode off',
  })
  @ValidateIf((dto: ConversationUpdateDto) => dto.slowModeSeconds !== undefined)
  @IsInt()
  @Min(0)
  @Max(SLOW_MODE_MAX_SECONDS)
  slowModeSeconds?: number;

  @ApiPropertyOptional({
    description:
      'Groups (owner/admin): while true only the owner and admins send, edit, react, pin and type ' +
      '(403 CONVERSATION_FROZEN for everyone else)',
  })
  @ValidateIf((dto: ConversationUpdateDto) => dto.frozen !== undefined)
  @IsBoolean()
  frozen?: boolean;
}
