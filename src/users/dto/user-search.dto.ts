import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';

export class UserSearchDto extends ListQueryDto {
  @ApiProperty({ description: 'Prefix of a username or display name (case-insensitive)', minLength: 1, maxLength: 64 })
  @IsString()
  @TextLength(1, 64)
  search!: string;
}
