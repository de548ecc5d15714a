import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/users`)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user: id, email, username, displayName, bio, avatarUrl, createdAt.' })
  @ApiOkResponse({ description: 'The account' })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked access token (UNAUTHORIZED)' })
  me(@Caller() caller: AuthContext) {
    return this.users.me(caller.userId);
  }
}
