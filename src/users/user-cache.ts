import { Injectable } from '@nestjs/common';
import { CacheService } from '#src/infra/cache/cache.service.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { ProfileWatchers } from './profile-watchers.js';
import type { PublicProfile } from './user.presenter.js';

/** `GET /users/me`, cached as a whole response by its route (see users.controller.ts). */
export const meResponse = {
  cache: 'user-me',
  ttlSeconds: (settings: AppConfig) => settings.USER_PROFILE_CACHE_TTL_SECONDS,
  key: (userId: string) => RedisKeys.userMe(userId),
};

export class UserCacheSettings extends configSlice('USER_PROFILE_CACHE_TTL_SECONDS') {}

/** The cached views of users, and what a change to a user makes stale. */
@Injectable()
export class UserCache {
  private readonly profileTtlSeconds: number;

  constructor(
    private readonly cache: CacheService,
    private readonly watchers: ProfileWatchers,
    settings: UserCacheSettings,
  ) {
    this.profileTtlSeconds = settings.USER_PROFILE_CACHE_TTL_SECONDS;
  }

  profile(userId: string, load: () => Promise<PublicProfile | null>) {
    return this.cache.getOrLoad('user-profile', RedisKeys.userProfile(userId), this.profileTtlSeconds, load);
  }

  /**
   * The user's settings changed: only their account view shows them. What the settings decide
   * (who sees read marks and last-seen times) is read from Postgres on each use, so nothing else is stale.
   */
  settingsChanged(userId: string): Promise<void> {
    return this.cache.invalidate(meResponse.key(userId));
  }

  /** The profile changed, or the account was deleted: its own views, and every view that shows it. */
  async profileChanged(userId: string): Promise<void> {
    await this.cache.invalidate(RedisKeys.userProfile(userId), meResponse.key(userId));
    await this.watchers.changed(userId);
  }
}
