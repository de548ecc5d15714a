import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, IsUrl, ValidateIf, ValidateNested } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

/** `settings` of `PATCH /users/me`: each one left out keeps its value. */
export class UserSettingsDto {
  @ApiPropertyOptional({
    description:
      'Whether other members see your read and delivery marks (GET /conversations/:id/reads, read and delivered events). Default true.',
  })
  @ValidateIf((dto: UserSettingsDto) => dto.readReceipts !== undefined)
  @IsBoolean()
  readReceipts?: boolean;

  @ApiPropertyOptional({ description: 'Whether your contacts see your presence lastSeenAt (else null). Default true.' })
  @ValidateIf((dto: UserSettingsDto) => dto.showLastSeen !== undefined)
  @IsBoolean()
  showLastSeen?: boolean;
}

/** `PATCH /users/me`: each field is optional; `null` clears a profile field. */
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

  @ApiPropertyOptional({ type: UserSettingsDto, description: 'Partial: a setting left out keeps its value' })
  @ValidateIf((dto: UserUpdateDto) => dto.settings !== undefined)
  @IsObject({ message: 'settings must be an object' })
  @ValidateNested()
  @Type(() => UserSettingsDto)
  settings?: UserSettingsDto;
}
