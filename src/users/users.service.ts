import { Injectable } from '@nestjs/common';
import { invalidField, unauthorized } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { decodeCursor, toPage, type Page } from '#src/common/pagination/pagination.js';
import { codePointLength } from '#src/common/validation/text-length.js';
import type { User } from '#src/generated/prisma/client.js';
import { isUniqueViolation } from '#src/infra/prisma/prisma-errors.js';
import type { UserSearchDto } from './dto/user-search.dto.js';
import type { UserUpdateDto } from './dto/user-update.dto.js';
import { searchKey } from './search-key.js';
import { currentSuspension, type Suspension } from './suspension.js';
import { UserCache } from './user-cache.js';
import { toPublicProfile, toUserMe, type PublicProfile, type UserMe } from './user.presenter.js';
import { emailTaken, userNotFound, usernameTaken } from './users.errors.js';
import { UsersRepository, type NewUser, type ProfileChanges } from './users.repository.js';

/** Search pages follow usernames (deleted accounts' included): 1–32 of [a-z0-9_]. */
const isUsername = (value: unknown): value is string => typeof value === 'string' && /^[a-z0-9_]{1,32}$/.test(value);
/** The length of `users.email`: an address lower-cased past it belongs to nobody and cannot be stored. */
const EMAIL_MAX_LENGTH = 254;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: UserCache,
    private readonly events: ChatEvents,
  ) {}

  async me(userId: string): Promise<UserMe> {
    const user = await this.users.findById(userId);
    if (!user) throw unauthorized('The account no longer exists');
    return toUserMe(user);
  }

  /** A public profile, from the `user:profile:{id}` cache; `hit` tells whether Postgres was spared. */
  async profile(userId: string): Promise<{ value: PublicProfile; hit: boolean }> {
    const { value, hit } = await this.cache.profile(userId, async () => {
      const user = await this.users.findProfile(userId);
      return user && toPublicProfile(user);
    });
    if (!value) throw userNotFound();
    return { value, hit };
  }

  /**
   * Profile fields and/or settings. Settings show in the account view only, so a change of settings
   * alone leaves the public profile and every view that shows it as they are.
   */
  async update(userId: string, { settings, ...changes }: UserUpdateDto): Promise<UserMe> {
    const profile: ProfileChanges = changes;
    const user = await this.users.update(userId, profile, { ...settings });
    const profileChanged = Object.values(profile).some((value) => value !== undefined);
    if (settings !== undefined && !profileChanged) await this.cache.settingsChanged(userId);
    else await this.cache.profileChanged(userId);
    return toUserMe(user);
  }

  async search(query: UserSearchDto): Promise<Page<PublicProfile>> {
    const after = decodeCursor(query.cursor, isUsername);
    const rows = await this.users.search(searchKey(query.search.trim()), query.limit + 1, after);
    return toPage(rows, query.limit, toPublicProfile, (row) => row.username);
  }

  /** The suspension in force on the account now, if any (none for an account that is gone). */
  async suspensionOf(userId: string): Promise<Suspension | null> {
    const user = await this.users.findById(userId);
    return user && currentSuspension(user);
  }

  /** Those of `ids` that are accounts, not deleted ones: who can be added to a conversation. */
  activeIds(ids: string[]): Promise<Set<string>> {
    return this.users.findActiveIds(ids);
  }

  /** The active account signing in with this email or username, if any. */
  async findByLogin(login: string): Promise<User | null> {
    const normalized = login.trim().toLowerCase();
    if (codePointLength(normalized) > EMAIL_MAX_LENGTH) return null;
    return this.users.findByLogin(normalized);
  }

  /** The active account, password hash and all (the auth feature checks passwords). */
  account(userId: string): Promise<User | null> {
    return this.users.findById(userId);
  }

  /**
   * Anonymises the account (its sessions are the caller's business: see the auth feature), and with
   * `eraseMessages` records the erasure of its messages, which a worker then carries out.
   */
  async delete(userId: string, { eraseMessages }: { eraseMessages: boolean }): Promise<void> {
    await this.users.anonymise(userId, eraseMessages);
    await this.cache.profileChanged(userId);
    this.events.publish('account.deleted', { userId, eraseMessages });
  }

  /** Creates the account; 409 `EMAIL_TAKEN` / `USERNAME_TAKEN` when either is in use, in any case. */
  async create(user: NewUser): Promise<User> {
    const normalized = { ...user, email: user.email.trim().toLowerCase(), username: user.username.toLowerCase() };
    if (codePointLength(normalized.email) > EMAIL_MAX_LENGTH) {
      throw invalidField('email', `email must be at most ${EMAIL_MAX_LENGTH} characters once lower-cased`);
    }
    await this.assertAvailable(normalized.email, normalized.username);
    try {
      return await this.users.create(normalized);
    } catch (error) {
      // Someone took the email or username between the check and the insert.
      if (isUniqueViolation(error)) await this.assertAvailable(normalized.email, normalized.username);
      throw error;
    }
  }

  private async assertAvailable(email: string, username: string): Promise<void> {
    const taken = await this.users.takenFields(email, username);
    if (taken.email) throw emailTaken();
    if (taken.username) throw usernameTaken();
  }
}
