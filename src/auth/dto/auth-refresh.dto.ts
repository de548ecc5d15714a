import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AuthRefreshDto {
  @ApiProperty({ description: 'The refresh token from sign-in or the previous refresh; each works once' })
  @IsString()
  @Length(1, 256)
  refreshToken!: string;
}
