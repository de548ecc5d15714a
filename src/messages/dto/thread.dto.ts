import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_SEQ = 2147483647;

/** `GET …/threads/:rootId/messages`: the first replies, or those before or after a seq. */
export class ThreadRepliesDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Replies with a smaller seq (the latest replies before it)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  before?: number;

  @ApiPropertyOptional({
    minimum: 0,
    description: 'Replies with a larger seq; without before or after, the first replies',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}
