import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { TextLength } from '#src/common/validation/text-length.js';

export class AdminUserSearchDto extends ListQueryDto {
  @ApiPropertyOptional({
    description: 'Prefix of an email, username or display name, without case; absent or blank: every account',
    maxLength: 254,
  })
  @IsOptional()
  @IsString()
  @TextLength(0, 254)
  search?: string;
}
