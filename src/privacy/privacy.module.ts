import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { MessagesModule } from '#src/messages/messages.module.js';
import { StorageModule } from '#src/uploads/storage/storage.module.js';
import { UploadsModule } from '#src/uploads/uploads.module.js';
import { AccountErasuresRepository } from './account-erasures.repository.js';
import { ErasureWorker } from './erasure-worker.service.js';
import { ExportBuilder } from './export-builder.service.js';
import { ExportSourcesRepository } from './export-sources.repository.js';
import { ExportSweep } from './export-sweep.service.js';
import { ExportJobSettings, ExportWorker } from './export-worker.service.js';
import { ExportsController } from './exports.controller.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportLinkSettings, ExportsService } from './exports.service.js';
import { MessageRetention, RetentionSettings } from './message-retention.service.js';
import { PrivacyMetrics } from './privacy.metrics.js';
import { RetentionRunsRepository } from './retention-runs.repository.js';

/**
 * A user's data: archives of it on request, the erasure of a deleted account's messages, and the
 * retention of messages. Above the features whose data it reads and erases.
 */
@Module({
  imports: [MessagesModule, UploadsModule, StorageModule, AdminModule],
  controllers: [ExportsController],
  providers: [
    ExportsRepository,
    ExportSourcesRepository,
    ExportBuilder,
    ExportWorker,
    ExportJobSettings,
    ExportSweep,
    ExportsService,
    ExportLinkSettings,
    AccountErasuresRepository,
    ErasureWorker,
    RetentionRunsRepository,
    MessageRetention,
    RetentionSettings,
    PrivacyMetrics,
  ],
})
export class PrivacyModule {}
