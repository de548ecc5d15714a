import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const NOT_FOR_BOTS = 'notForBots';

/** The OpenAPI extension that keeps the `Bot` scheme off a route's documented security. */
export const NOT_FOR_BOTS_EXTENSION = 'x-not-for-bots';

/**
 * Routes a bot's API key may not call (403 `FORBIDDEN`): signing out and the sessions and account
 * routes. A key is given and revoked by admins only.
 */
export const NotForBots = () =>
  applyDecorators(SetMetadata(NOT_FOR_BOTS, true), ApiExtension(NOT_FOR_BOTS_EXTENSION, true));
