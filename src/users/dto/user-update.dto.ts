import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

/** `PATCH /users/me`: each field is optional; `null` clears it. */
export class UserUpdateDto {
  @ApiPropertyOptional({ maxLength: 64, nullable: true })
  @IsOptional()
  @IsString()
  @TextLength(1, 64)
  displayName?: string | null;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @TextLength(0, 500)
  bio?: string | null;

  @ApiPropertyOptional({ maxLength: 2048, nullable: true, description: 'An http(s) URL' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'avatarUrl must be an http(s) URL' })
  @TextLength(0, 2048)
  avatarUrl?: string | null;
}
