import { Module } from '@nestjs/common';
import { BlocksRepository } from './blocks.repository.js';
import { BlocksService } from './blocks.service.js';
import { ProfileWatchers } from './profile-watchers.js';
import { UserCache, UserCacheSettings } from './user-cache.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UserCache,
    UserCacheSettings,
    ProfileWatchers,
    UsersService,
    BlocksRepository,
    BlocksService,
  ],
  exports: [UsersService, BlocksService, ProfileWatchers, UserCache],
})
export class UsersModule {}
