import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { ApiCacheHeader, setCacheHeader } from '#src/infra/cache/cache-header.js';
import { CachedResponse } from '#src/infra/cache/cached-response.decorator.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { BlocksService } from './blocks.service.js';
import { BlockPageResponse } from './dto/block.response.js';
import { PublicProfilePageResponse, PublicProfileResponse } from './dto/public-profile.response.js';
import { UserMeResponse } from './dto/user-me.response.js';
import { UserSearchDto } from './dto/user-search.dto.js';
import { UserUpdateDto } from './dto/user-update.dto.js';
import { meResponse } from './user-cache.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiSignedIn()
@Controller(`${API_PREFIX}/users`)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
  ) {}

  @Get('me')
  @CachedResponse({ ...meResponse, key: (request) => meResponse.key(request.auth!.userId) })
  @ApiOperation({
    summary: 'Your account',
    description:
      'id, email, username, displayName, bio, avatarUrl, createdAt and settings { readReceipts, showLastSeen } ' +
      '(both true unless changed). Cached per user (X-Cache).',
  })
  @ApiOkResponse({ type: UserMeResponse })
  me(@Caller() caller: AuthContext) {
    return this.users.me(caller.userId);
  }

  @Patch('me')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @ApiOperation({
    summary: 'Change your profile or settings',
    description:
      'displayName, bio or avatarUrl (null clears), and/or settings; returns the account. settings: { readReceipts?: boolean, showLastSeen?: boolean }, a partial update (a setting left out keeps its value; ' +
      'each must be a boolean, any other key is 400 VALIDATION_FAILED). readReceipts false: other members no longer see your ' +
      'read and delivery marks (GET /conversations/:id/reads leaves you out; read and delivered events about you reach only ' +
      'your own sockets); your own unread counts work as before. showLastSeen false: contacts get lastSeenAt null in every ' +
      'presence answer and presence event; you still see your own. Both apply from the answer on, on every instance. ' +
      'Settings are yours alone: the public profile (GET /users/:id) never shows them. ' +
      'Limited with the other account changes (ACCOUNT_CHANGES_PER_MINUTE_PER_USER).',
  })
  @ApiOkResponse({ type: UserMeResponse })
  @ApiErrors(400)
  update(@Caller() caller: AuthContext, @Body() changes: UserUpdateDto) {
    return this.users.update(caller.userId, changes);
  }

  @Get('me/blocks')
  @ApiOperation({ summary: 'Users you blocked', description: 'Newest first, paged by cursor.' })
  @ApiOkResponse({ type: BlockPageResponse })
  @ApiErrors(400)
  listBlocks(@Caller() caller: AuthContext, @Query() query: ListQueryDto) {
    return this.blocks.list(caller.userId, query);
  }

  @Get()
  @ApiOperation({
    summary: 'Find users',
    description: 'Prefix search on username and display name (case-insensitive), ordered by username.',
  })
  @ApiOkResponse({ type: PublicProfilePageResponse })
  @ApiErrors(400)
  search(@Query() query: UserSearchDto) {
    return this.users.search(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: "A user's public profile",
    description:
      'Deleted accounts show as { deleted: true }, bots as { bot: true }. Cached under user:profile:{id} (X-Cache: HIT|MISS).',
  })
  @ApiOkResponse({ type: PublicProfileResponse })
  @ApiCacheHeader()
  @ApiErrors(400, { 404: 'USER_NOT_FOUND: no user has this id' })
  async profile(@Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { value, hit } = await this.users.profile(id);
    setCacheHeader(reply, hit);
    return value;
  }

  @Post(':id/block')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Block a user',
    description: 'They can no longer message you or start a conversation with you (403 BLOCKED).',
  })
  @ApiNoContentResponse({ description: 'Blocked (also when already blocked)' })
  @ApiErrors({ 400: 'VALIDATION_FAILED on id; CANNOT_BLOCK_SELF', 404: 'USER_NOT_FOUND: no user has this id' })
  block(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.blocks.block(caller.userId, id);
  }

  @Delete(':id/block')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a user', description: 'No error when they were not blocked.' })
  @ApiNoContentResponse({ description: 'Not blocked' })
  @ApiErrors(400)
  unblock(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.blocks.unblock(caller.userId, id);
  }
}
