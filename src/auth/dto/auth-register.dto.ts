import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

export class AuthRegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @TextLength(0, 254)
  email!: string;

  @ApiProperty({
    example: 'ada_l',
    description: '3–32 of a-z, 0-9 and _ (stored lower-case)',
    pattern: '^[A-Za-z0-9_]{3,32}$',
  })
  @Matches(/^[A-Za-z0-9_]{3,32}$/, { message: 'username must be 3–32 letters, digits or _' })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @TextLength(8, 128, { message: 'password must be 8–128 characters' })
  password!: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @TextLength(1, 64)
  displayName?: string;
}
