import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ListQueryDto } from '#src/common/pagination/pagination.js';

export class UserSearchDto extends ListQueryDto {
  @ApiProperty({ description: 'Prefix of a username or display name (case-insensitive)', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  search!: string;
}
