import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

export class AuthDeviceDto {
  @ApiPropertyOptional({ example: 'Ada’s phone', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: 'mobile', maxLength: 32 })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string;

  @ApiPropertyOptional({ example: 'iOS 19', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  os?: string;
}

export class AuthLoginDto {
  @ApiProperty({ description: 'Email or username (any case)', example: 'ada_l' })
  @IsString()
  @Length(1, 254)
  login!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  password!: string;

  @ApiPropertyOptional({ type: AuthDeviceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthDeviceDto)
  device?: AuthDeviceDto;
}
