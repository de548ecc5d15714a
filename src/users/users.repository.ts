import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { User } from '#src/generated/prisma/client.js';
import { likePrefix, searchKey } from './search-key.js';
import type { ProfileSource, UserSettings } from './user.presenter.js';

export interface NewUser {
  email: string;
  username: string;
  passwordHash: string;
  displayName?: string;
}

export interface ProfileChanges {
  displayName?: string | null;
  bio?: string | null;
  avatarUrl?: string | null;
}

/**
 * What a deleted account's row becomes (a user's or a bot's): an anonymous author that can never
 * sign in again; email and username are freed for others.
 */
export function anonymisedAccount(id: string) {
  const tag = id.replace(/-/g, '').slice(0, 24);
  return {
    email: `deleted-${id}@deleted.invalid`,
    username: `deleted_${tag}`,
    passwordHash: '',
    displayName: null,
    displayNameSearch: null,
    bio: null,
    avatarUrl: null,
    deletedAt: new Date(),
  };
}

/** Users' rows. Emails and usernames are stored lower-case, so their unique indexes ignore case. */
@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findFirst({ where: { id, deletedAt: null } });
  }

  /** Deleted accounts included: their messages still need an author to show. */
  findProfile(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  /** `login` is a lower-cased email or username. */
  /** Those of `ids` that belong to accounts that are not deleted. */
  async findActiveIds(ids: string[]): Promise<Set<string>> {
    const rows = await this.prisma.user.findMany({ where: { id: { in: ids }, deletedAt: null }, select: { id: true } });
    return new Set(rows.map((row) => row.id));
  }

  findByLogin(login: string): Promise<User | null> {
    return this.prisma.user.findFirst({
      where: { deletedAt: null, OR: [{ email: login }, { username: login }] },
    });
  }

  /** Which of `email` and `username` already belong to someone (deleted accounts keep theirs). */
  async takenFields(email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows = await this.prisma.user.findMany({
      where: { OR: [{ email }, { username }] },
      select: { email: true, username: true },
    });
    return { email: rows.some((row) => row.email === email), username: rows.some((row) => row.username === username) };
  }

  create(user: NewUser): Promise<User> {
    const displayNameSearch = user.displayName === undefined ? undefined : searchKey(user.displayName);
    return this.prisma.user.create({ data: { ...user, displayNameSearch } });
  }

  /** Profile fields and settings in one statement: a request changes both or neither. */
  update(id: string, changes: ProfileChanges, settings: Partial<UserSettings> = {}): Promise<User> {
    const displayNameSearch =
      changes.displayName === undefined
        ? undefined
        : changes.displayName === null
          ? null
          : searchKey(changes.displayName);
    return this.prisma.user.update({ where: { id }, data: { ...changes, displayNameSearch, ...settings } });
  }

  /**
   * Active users whose username or display name starts with `prefix` (a search key), by username,
   * after `afterUsername`. Both columns have `text_pattern_ops` indexes for this `LIKE`.
   */
  search(prefix: string, limit: number, afterUsername?: string): Promise<ProfileSource[]> {
    const pattern = likePrefix(prefix);
    return this.prisma.$queryRaw<ProfileSource[]>`
      SELECT id, username, display_name AS "displayName", bio, avatar_url AS "avatarUrl",
             created_at AS "createdAt", deleted_at AS "deletedAt", role
      FROM users
      WHERE deleted_at IS NULL
        AND (username LIKE ${pattern} ESCAPE '\\' OR display_name_search LIKE ${pattern} ESCAPE '\\')
        AND (${afterUsername ?? null}::text IS NULL OR username > ${afterUsername ?? null}::text)
      ORDER BY username
      LIMIT ${limit}`;
  }

  /**
   * Deletes the account the way messages can survive it: the row stays, as an anonymous author
   * that can never sign in again; email and username are freed for others. With `eraseMessages`,
   * the erasure of its messages is recorded in the same transaction, for a worker to carry out:
   * the deletion never commits without it.
   */
  async anonymise(id: string, eraseMessages: boolean): Promise<void> {
    const anonymised = this.prisma.user.update({ where: { id }, data: anonymisedAccount(id) });
    if (!eraseMessages) {
      await anonymised;
      return;
    }
    await this.prisma.$transaction([
      anonymised,
      this.prisma.$executeRaw`INSERT INTO account_erasures (user_id) VALUES (${id}::uuid) ON CONFLICT DO NOTHING`,
    ]);
  }
}
