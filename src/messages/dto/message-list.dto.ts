import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { queryBoolean } from '#src/common/validation/query-boolean.js';
import { TextLength } from '#src/common/validation/text-length.js';

const MAX_SEQ = 2147483647;

/** A page by seq: the page before or after a seq (`GET …/messages`, `GET …/threads/:rootId/messages`). */
export class SeqPageDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Messages with a smaller seq' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  before?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Messages with a larger seq' })
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

/** `GET …/messages`: the latest page, or the page before or after a seq. */
export class MessageListDto extends SeqPageDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Also thread replies (they carry threadRootId); without it the page is the timeline only',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'includeThreadReplies must be true or false' })
  includeThreadReplies = false;
}

/** `GET …/sync`. */
export class SyncQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: 'The last seq the client has' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  since = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 500;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous answer, when `hasMore` was true' })
  @IsOptional()
  @IsString()
  @TextLength(0, 512)
  cursor?: string;
}
