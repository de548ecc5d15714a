import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

/** `POST /admin/bots`: a username under the rules of registration, and the name members see. */
export class BotCreateDto {
  @ApiProperty({
    example: 'deploy_bot',
    description: '3–32 of a-z, 0-9 and _ (stored lower-case), unique among users and bots alike',
    pattern: '^[A-Za-z0-9_]{3,32}$',
  })
  @Matches(/^[A-Za-z0-9_]{3,32}$/, { message: 'username must be 3–32 letters, digits or _' })
  username!: string;

  @ApiProperty({ example: 'Deploy bot', minLength: 1, maxLength: 64 })
  @IsString()
  @TextLength(1, 64)
  displayName!: string;
}
