import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsUuid } from '#src/common/validation/uuid.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { TextLength } from '#src/common/validation/text-length.js';

export class MessageSearchDto extends ListQueryDto {
  @ApiProperty({
    description:
      'Words to find, all of them (2–200 characters, at least 2 not spaces, at most 10 words). A word of 3+ ' +
      'characters matches anywhere in a message (a substring, in any script); a shorter one matches the start of ' +
      'a word, except two CJK characters, which match anywhere. Case, accents (é = e) and full-width forms do not matter.',
    minLength: 2,
    maxLength: 200,
  })
  @IsString()
  @TextLength(2, 200)
  q!: string;

  @ApiPropertyOptional({ description: 'Only this conversation; 404 when you are not a member', format: 'uuid' })
  @IsOptional()
  @IsUuid('conversationId must be a UUID')
  conversationId?: string;
}
