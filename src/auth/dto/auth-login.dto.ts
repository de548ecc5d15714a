import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

export class AuthDeviceDto {
  @ApiPropertyOptional({ example: 'Ada’s phone', maxLength: 100 })
  @IsOptional()
  @IsString()
  @TextLength(0, 100)
  name?: string;

  @ApiPropertyOptional({ example: 'mobile', maxLength: 32 })
  @IsOptional()
  @IsString()
  @TextLength(0, 32)
  type?: string;

  @ApiPropertyOptional({ example: 'iOS 19', maxLength: 64 })
  @IsOptional()
  @IsString()
  @TextLength(0, 64)
  os?: string;
}

export class AuthLoginDto {
  @ApiProperty({ description: 'Email or username (any case)', example: 'ada_l' })
  @IsString()
  @TextLength(1, 254)
  login!: string;

  @ApiProperty()
  @IsString()
  @TextLength(1, 128)
  password!: string;

  @ApiPropertyOptional({ type: AuthDeviceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthDeviceDto)
  device?: AuthDeviceDto;
}
