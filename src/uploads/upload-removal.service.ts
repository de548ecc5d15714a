import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_DRIVER, type StorageDriver } from './storage/storage-driver.js';
import { objectKeyOf, thumbnailKeyOf } from './upload-keys.js';
import { UploadsRepository, type TakenUpload } from './uploads.repository.js';

const BATCH = 100;

/**
 * Deletes uploads, bytes first and then the row: an upload taken (`deleting`) and left half deleted
 * by a crash is finished by the next sweep. Used by the sweep, and by the erasure of messages.
 */
@Injectable()
export class UploadRemoval {
  constructor(
    private readonly uploads: UploadsRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** Those of `ids` that no message carries any more (their messages were deleted); how many went. */
  async removeUnreferenced(ids: string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const since = new Date();
      removed += await this.removeAll(await this.uploads.takeUnreferenced(ids.slice(i, i + BATCH), since));
    }
    return removed;
  }

  /** Every upload of the user, in any state: an erased account keeps none. How many went. */
  async removeEveryUploadOf(userId: string): Promise<number> {
    let removed = 0;
    for (;;) {
      const taken = await this.uploads.takeAllOf(userId, BATCH);
      removed += await this.removeAll(taken);
      if (taken.length < BATCH) return removed;
    }
  }

  /** Uploads already taken: their objects, then their rows. */
  async removeAll(taken: TakenUpload[]): Promise<number> {
    for (const upload of taken) {
      await this.storage.delete(objectKeyOf(upload.id));
      if (upload.hasThumbnail) await this.storage.delete(thumbnailKeyOf(upload.id));
      await this.uploads.remove(upload.id);
    }
    return taken.length;
  }
}
