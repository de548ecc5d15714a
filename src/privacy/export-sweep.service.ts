import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { archiveKeyOf, TEMPORARY_ARCHIVE_NAME } from './export-keys.js';
import { ExportsRepository } from './exports.repository.js';

/** How often every instance sweeps; sweeps racing on other instances delete the same objects, which is harmless. */
const SWEEP_EVERY_MS = 10 * 60_000;
const BATCH = 100;
/** A temporary archive untouched this long belongs to no build any more (its instance died mid-way). */
const STALE_TEMPORARY_MS = 60 * 60_000;

/**
 * Deletes archives past their time (EXPORT_KEEP_HOURS, or a newer archive of the same user) and
 * those of accounts deleted since: the object first, then the row turns `expired`, so an archive
 * is never left behind a row that no longer names it. Also the temporary files of builds whose
 * instance died.
 */
@Injectable()
export class ExportSweep implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExportSweep.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly exports: ExportsRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'export sweep failed; the next one retries'),
      );
    }, SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; how many archives it deleted. */
  async sweep(): Promise<number> {
    await this.removeStaleTemporaryFiles();
    let deleted = 0;
    for (;;) {
      const due = await this.exports.expiredArchives(BATCH);
      for (const archive of due) await this.storage.delete(archiveKeyOf(archive.id));
      await this.exports.markExpired(due);
      deleted += due.length;
      if (due.length < BATCH) return deleted;
    }
  }

  /** Private data must not outlive a build that died: its temporary file goes once it is stale. */
  private async removeStaleTemporaryFiles(): Promise<void> {
    const directory = tmpdir();
    for (const name of (await readdir(directory)).filter((entry) => TEMPORARY_ARCHIVE_NAME.test(entry))) {
      const path = join(directory, name);
      const stats = await stat(path).catch(() => null);
      if (stats && Date.now() - stats.mtimeMs > STALE_TEMPORARY_MS) await rm(path, { force: true });
    }
  }
}
