import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NOT_BLANK } from './conversation-create.dto.js';

/** `PATCH /conversations/:id`: `title` (group owner/admin) and/or `muted` (the caller's own setting). */
export class ConversationUpdateDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title?: string;

  @ApiPropertyOptional({ description: 'No `message` notifications for the caller; mentions still notify' })
  @IsOptional()
  @IsBoolean()
  muted?: boolean;
}
