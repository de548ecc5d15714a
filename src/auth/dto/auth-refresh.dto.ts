import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

export class AuthRefreshDto {
  @ApiProperty({ description: 'The refresh token from sign-in or the previous refresh; each works once' })
  @IsString()
  @TextLength(1, 256)
  refreshToken!: string;
}
