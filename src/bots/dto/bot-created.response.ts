import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PublicProfileResponse } from '#src/users/dto/public-profile.response.js';
import type { BotCreated } from '../bots.service.js';

@ApiSchema({ name: 'BotCreated' })
export class BotCreatedResponse implements BotCreated {
  @ApiProperty({ type: PublicProfileResponse, description: 'The bot as everyone sees it (bot: true)' })
  user!: PublicProfileResponse;

  @ApiProperty({
    example: 'bot_3q2-7wXk1T0cB1l8pPqYyq6q7zB4lJf9c0Z2m5R8s1A',
    pattern: '^bot_[A-Za-z0-9_-]{43}$',
    description:
      'Shown this once and stored only as a hash: keep it secret. Send it as `Authorization: Bot <apiKey>`, ' +
      'and on a socket as `auth: { apiKey }`. Deleting the bot revokes it.',
  })
  apiKey!: string;
}
