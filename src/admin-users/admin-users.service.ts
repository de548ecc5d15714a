import { Injectable } from '@nestjs/common';
import { AdminAccess } from '#src/admin/admin-access.js';
import { decodeCursor, toPage, type Page } from '#src/common/pagination/pagination.js';
import { searchKey } from '#src/users/search-key.js';
import { toAdminUserView, type AdminUserView } from './admin-user.presenter.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import type { AdminUserSearchDto } from './dto/admin-user-search.dto.js';

/** Pages follow usernames, deleted accounts' (`deleted_…`) included. */
const isUsername = (value: unknown): value is string => typeof value === 'string' && /^[a-z0-9_]{1,32}$/.test(value);

/** The accounts as system admins list them. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly access: AdminAccess,
  ) {}

  async list(query: AdminUserSearchDto): Promise<Page<AdminUserView>> {
    const after = decodeCursor(query.cursor, isUsername);
    const prefix = query.search?.trim() ? searchKey(query.search.trim()) : undefined;
    const rows = await this.users.search(prefix, query.limit + 1, after);
    const now = new Date();
    return toPage(
      rows,
      query.limit,
      (row) => toAdminUserView(row, row.deletedAt === null && this.access.isAdminAccount(row), now),
      (row) => row.username,
    );
  }
}
