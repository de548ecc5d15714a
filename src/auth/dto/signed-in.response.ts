import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { UserMeResponse } from '#src/users/dto/user-me.response.js';
import type { SignedIn, TokenPair } from '../auth.service.js';

@ApiSchema({ name: 'TokenPair' })
export class TokenPairResponse implements TokenPair {
  @ApiProperty({ description: 'A JWT for Authorization: Bearer …, short-lived' })
  accessToken!: string;

  @ApiProperty({ description: 'Works once: its successor comes with the next refresh' })
  refreshToken!: string;
}

@ApiSchema({ name: 'SignedIn' })
export class SignedInResponse extends TokenPairResponse implements SignedIn {
  @ApiProperty({ type: UserMeResponse })
  user!: UserMeResponse;

  @ApiProperty({ format: 'uuid', description: 'The session these tokens belong to (GET /auth/sessions)' })
  sessionId!: string;
}
