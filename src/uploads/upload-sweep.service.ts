import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { UploadRemoval } from './upload-removal.service.js';
import { UploadsRepository } from './uploads.repository.js';

/** How often every instance sweeps; each sweep takes rows of its own, so instances never clash. */
const SWEEP_EVERY_MS = 10 * 60_000;
const BATCH = 100;

/**
 * Deletes uploads nobody will use, from the storage and then the table: never attached after a
 * day, or carried only by deleted messages. A sweep that dies half way leaves rows `deleting`,
 * which the next one finishes.
 */
@Injectable()
export class UploadSweep implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UploadSweep.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uploads: UploadsRepository,
    private readonly removal: UploadRemoval,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'upload sweep failed; the next one retries'),
      );
    }, SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; how many uploads it deleted. */
  async sweep(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const taken = await this.uploads.takeAbandoned(BATCH);
      deleted += await this.removal.removeAll(taken);
      if (taken.length < BATCH) break;
    }
    for (;;) {
      const since = new Date();
      const released = await this.uploads.released(BATCH);
      if (released.length === 0) break;
      deleted += await this.removal.removeAll(await this.uploads.takeUnreferenced(released, since));
      if (released.length < BATCH) break;
    }
    return deleted;
  }
}
