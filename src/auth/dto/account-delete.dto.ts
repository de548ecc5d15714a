import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

export class AccountDeleteDto {
  // Optional for the validator only: a missing password is answered as a wrong one (401), as API.md says.
  @ApiProperty({
    description: 'The account’s password. Missing or wrong: 401 INVALID_CREDENTIALS.',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @TextLength(0, 128)
  password?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Also tombstone every message the account sent (body and attachments gone, seq kept) and delete its uploads.',
  })
  @IsOptional()
  @IsBoolean()
  eraseMessages?: boolean;
}
