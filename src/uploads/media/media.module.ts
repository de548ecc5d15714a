import { Module } from '@nestjs/common';
import { MediaInspector, MediaInspectorSettings } from './media-inspector.service.js';

/** Judging uploaded bytes: their real type, and sizes and thumbnails of images. */
@Module({
  providers: [MediaInspector, MediaInspectorSettings],
  exports: [MediaInspector],
})
export class MediaModule {}
