import type { UploadAttachment } from '#src/conversations/message.presenter.js';
import type { UploadRow } from './uploads.repository.js';

/** An upload as its owner sees it after `POST /uploads/:id/complete`. */
export interface UploadView {
  id: string;
  status: 'ready';
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
}

const dimensions = (upload: UploadRow) =>
  upload.width !== null && upload.height !== null ? { width: upload.width, height: upload.height } : {};

export const toUploadView = (upload: UploadRow): UploadView => ({
  id: upload.id,
  status: 'ready',
  name: upload.name,
  mimeType: upload.mimeType,
  size: upload.size,
  ...dimensions(upload),
  hasThumbnail: upload.hasThumbnail,
});

export const toUploadAttachment = (upload: UploadRow): UploadAttachment => ({
  uploadId: upload.id,
  name: upload.name,
  mimeType: upload.mimeType,
  size: upload.size,
  ...dimensions(upload),
  hasThumbnail: upload.hasThumbnail,
});
