import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { User } from '#src/generated/prisma/client.js';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { ArchiveFile, pages } from './archive-file.js';
import { ExportSourcesRepository } from './export-sources.repository.js';
import { archiveKeyOf, ARCHIVE_MIME_TYPE, temporaryArchiveName } from './export-keys.js';

/** Rows read per page of each list. */
const PAGE = 500;
/** Conversations per page: each brings its members' ids (up to 500 per group). */
const CONVERSATIONS_PAGE = 50;
/** Names the archive's layout, for whoever reads archives of several versions. */
export const ARCHIVE_FORMAT = 'chat-backend-export/1';

/** What the archive says of the account itself: the user's own fields, not the password hash. */
export const profileOf = (user: User) => ({
  id: user.id,
  email: user.email,
  username: user.username,
  displayName: user.displayName,
  bio: user.bio,
  avatarUrl: user.avatarUrl,
  status: user.status,
  statusText: user.statusText,
  createdAt: user.createdAt,
  lastSeenAt: user.lastSeenAt,
});

/**
 * Writes one user's archive to a temporary file, a page at a time, then stores it through the
 * storage driver (streamed) under `exports/<id>`. `keepClaim` runs between pages: it renews the
 * worker's lease, and throws when another worker has taken the export meanwhile.
 */
@Injectable()
export class ExportBuilder {
  constructor(
    private readonly sources: ExportSourcesRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** The archive's size in bytes, once stored; null when the account is gone (deleted meanwhile). */
  async build(userId: string, exportId: string, keepClaim: () => Promise<void>): Promise<number | null> {
    const user = await this.sources.account(userId);
    if (!user) return null;
    const path = join(tmpdir(), temporaryArchiveName(exportId, randomUUID()));
    const archive = new ArchiveFile(path);
    try {
      await this.write(archive, user, keepClaim);
      const size = await archive.close();
      await keepClaim();
      await this.storage.writeFile(archiveKeyOf(exportId), path, ARCHIVE_MIME_TYPE);
      return size;
    } finally {
      archive.abort();
      await rm(path, { force: true });
    }
  }

  private async write(archive: ArchiveFile, user: User, keepClaim: () => Promise<void>): Promise<void> {
    const userId = user.id;
    await archive.field('format', ARCHIVE_FORMAT);
    await archive.field('exportedAt', new Date());
    await archive.field('profile', profileOf(user));
    await archive.field('settings', { readReceipts: user.readReceipts, showLastSeen: user.showLastSeen });
    const page = <T, K>(
      read: (limit: number, after: K | undefined) => Promise<T[]>,
      keyOf: (item: T) => K,
      limit = PAGE,
    ) => pages(read, keyOf, limit, keepClaim);
    await archive.list(
      'sessions',
      page(
        (limit, after: string | undefined) => this.sources.sessions(userId, limit, after),
        (row) => row.id,
      ),
    );
    await archive.list(
      'devices',
      page(
        (limit, after: string | undefined) => this.sources.devices(userId, limit, after),
        (row) => row.id,
      ),
    );
    await archive.list(
      'blocks',
      page(
        (limit, after: string | undefined) => this.sources.blocks(userId, limit, after),
        (row) => row.userId,
      ),
    );
    await archive.list(
      'conversations',
      page(
        (limit, after: string | undefined) => this.sources.memberships(userId, limit, after),
        (row) => row.conversationId,
        CONVERSATIONS_PAGE,
      ),
    );
    await archive.list(
      'messages',
      page(
        (limit, after: { conversationId: string; seq: number } | undefined) =>
          this.sources.messages(userId, limit, after),
        (row) => ({ conversationId: row.conversationId, seq: row.seq }),
      ),
    );
    await archive.list(
      'uploads',
      page(
        (limit, after: { createdAt: Date; id: string } | undefined) => this.sources.uploads(userId, limit, after),
        (row) => ({ createdAt: row.createdAt, id: row.id }),
      ),
    );
  }
}
