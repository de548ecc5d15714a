import type { UploadAttachment } from '#src/conversations/message.presenter.js';
import type { UploadRow } from './uploads.repository.js';

/** An upload as its owner sees it after `POST /uploads/:id/complete`: what a message carrying it shows. */
export type UploadView = { id: string; status: 'ready' } & Omit<UploadAttachment, 'uploadId'>;

const dimensions = (upload: UploadRow) =>
  upload.width !== null && upload.height !== null ? { width: upload.width, height: upload.height } : {};

export const toUploadAttachment = (upload: UploadRow): UploadAttachment => ({
  uploadId: upload.id,
  name: upload.name,
  mimeType: upload.mimeType,
  size: upload.size,
  ...dimensions(upload),
  hasThumbnail: upload.hasThumbnail,
});

export const toUploadView = (upload: UploadRow): UploadView => {
  const { uploadId, ...shown } = toUploadAttachment(upload);
  return { id: uploadId, status: 'ready', ...shown };
};
