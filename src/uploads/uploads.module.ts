import { Module } from '@nestjs/common';
import { MediaModule } from './media/media.module.js';
import { MessageAttachments } from './message-attachments.service.js';
import { StorageModule } from './storage/storage.module.js';
import { UploadRemoval } from './upload-removal.service.js';
import { UploadSweep } from './upload-sweep.service.js';
import { UploadsController } from './uploads.controller.js';
import { UploadsRepository } from './uploads.repository.js';
import { UploadSettings, UploadsService } from './uploads.service.js';

/** Uploads: declared, sent straight to the storage, checked, attached to messages, swept when unused. */
@Module({
  imports: [StorageModule, MediaModule],
  controllers: [UploadsController],
  providers: [UploadsRepository, UploadsService, UploadSettings, UploadSweep, UploadRemoval, MessageAttachments],
  exports: [MessageAttachments, UploadRemoval],
})
export class UploadsModule {}
