import { Inject, Injectable } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { archiveFileName, archiveKeyOf, ARCHIVE_MIME_TYPE } from './export-keys.js';
import { ExportWorker } from './export-worker.service.js';
import { statusOf, toExportView, type ExportView } from './export.presenter.js';
import { ExportsRepository } from './exports.repository.js';
import { exportNotFound } from './privacy.errors.js';

export class ExportLinkSettings extends configSlice('EXPORT_LINK_SECONDS') {}

/** Archives of a user's data: requested here, built by the worker, read through short-lived links. */
@Injectable()
export class ExportsService {
  private readonly linkSeconds: number;

  constructor(
    private readonly exports: ExportsRepository,
    private readonly worker: ExportWorker,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    settings: ExportLinkSettings,
  ) {
    this.linkSeconds = settings.EXPORT_LINK_SECONDS;
  }

  /** A new export, or the one already in progress: a user has at most one at a time. */
  async request(userId: string): Promise<ExportView> {
    const { row, created } = await this.exports.requestOnce(userId);
    if (created) this.worker.wake();
    return toExportView(row);
  }

  /** The user's own export (404 for anyone else's, as for none), with a fresh link once it is ready. */
  async status(userId: string, id: string): Promise<ExportView> {
    const row = await this.exports.find(userId, id);
    if (!row) throw exportNotFound();
    const now = new Date();
    if (statusOf(row, now) !== 'ready') return toExportView(row, undefined, now);
    // A link never outlives the archive it points at.
    const untilDeleted = Math.floor((row.expiresAt!.getTime() - now.getTime()) / 1000);
    const link = await this.storage.signedGet(archiveKeyOf(row.id), {
      contentType: ARCHIVE_MIME_TYPE,
      fileName: archiveFileName(row.createdAt),
      expiresInSeconds: Math.max(1, Math.min(this.linkSeconds, untilDeleted)),
    });
    return toExportView(row, link, now);
  }
}
