import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { ProfileWatchers } from './profile-watchers.js';
import type { PublicProfile } from './user.presenter.js';

/** `GET /users/me`, cached as a whole response by its route (see users.controller.ts). */
export const meResponse = {
  cache: 'user-me',
  ttlSeconds: (config: ConfigService<AppConfig, true>) => config.get('USER_PROFILE_CACHE_TTL_SECONDS', { infer: true }),
  key: (userId: string) => RedisKeys.userMe(userId),
};

/** The cached views of users, and what a change to a user makes stale. */
@Injectable()
export class UserCache {
  private readonly profileTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    private readonly watchers: ProfileWatchers,
    config: ConfigService<AppConfig, true>,
  ) {
    this.profileTtlSeconds = config.get('USER_PROFILE_CACHE_TTL_SECONDS', { infer: true });
  }

  profile(userId: string, load: () => Promise<PublicProfile | null>) {
    return this.cache.getOrLoad('user-profile', RedisKeys.userProfile(userId), this.profileTtlSeconds, load);
  }

  /** The profile changed, or the account was deleted: its own views, and every view that shows it. */
  async profileChanged(userId: string): Promise<void> {
    await this.cache.invalidate(RedisKeys.userProfile(userId), meResponse.key(userId));
    await this.watchers.changed(userId);
  }
}
