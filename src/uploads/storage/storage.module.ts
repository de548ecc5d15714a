import { Module, type OnModuleDestroy, Inject } from '@nestjs/common';
import { LocalStorageDriver } from './local-storage.driver.js';
import { LocalStorageLinks, linkSigningKey } from './local-storage-links.js';
import { LocalStorageService } from './local-storage.service.js';
import { S3StorageDriver } from './s3-storage.driver.js';
import { STORAGE_DRIVER, type StorageDriver } from './storage-driver.js';
import { StorageController } from './storage.controller.js';
import { StorageSettings } from './storage.settings.js';

/** The driver STORAGE_DRIVER names (the configuration was checked at start: S3 has its bucket and keys). */
export function createStorageDriver(settings: StorageSettings): StorageDriver {
  if (settings.STORAGE_DRIVER === 's3') {
    return new S3StorageDriver({
      bucket: settings.S3_BUCKET!,
      region: settings.S3_REGION,
      endpoint: settings.S3_ENDPOINT,
      accessKeyId: settings.S3_ACCESS_KEY_ID!,
      secretAccessKey: settings.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    });
  }
  const links = new LocalStorageLinks(linkSigningKey(settings.STORAGE_SIGNING_SECRET, settings.JWT_SECRET));
  return new LocalStorageDriver(settings.STORAGE_DIR, links);
}

/**
 * Where uploads are kept: exports `STORAGE_DRIVER`, the configured driver. The routes serving the
 * local driver's links are always mounted and answer 404 with the S3 driver.
 */
@Module({
  controllers: [StorageController],
  providers: [
    StorageSettings,
    LocalStorageService,
    { provide: STORAGE_DRIVER, useFactory: createStorageDriver, inject: [StorageSettings] },
  ],
  exports: [STORAGE_DRIVER],
})
export class StorageModule implements OnModuleDestroy {
  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  onModuleDestroy(): void {
    if (this.driver instanceof S3StorageDriver) this.driver.close();
  }
}
