import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { queryBoolean } from '#src/common/validation/query-boolean.js';
import { IsBoolean, IsOptional } from 'class-validator';
import { ListQueryDto } from '#src/common/pagination/pagination.js';

export class NotificationListDto extends ListQueryDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'unreadOnly must be true or false' })
  unreadOnly = false;
}
