import { Inject, Injectable } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { MediaInspector } from './media/media-inspector.service.js';
import { bytesToRead, THUMBNAIL_MIME_TYPE } from './media/media-limits.js';
import { STORAGE_DRIVER, type SignedRequest, type StorageDriver } from './storage/storage-driver.js';
import { objectKeyOf, thumbnailKeyOf } from './upload-keys.js';
import { toUploadView, type UploadView } from './upload.presenter.js';
import type { UploadCreateDto } from './dto/upload-create.dto.js';
import { uploadTooLarge } from './storage/storage.errors.js';
import { uploadNotFound, uploadRejected } from './uploads.errors.js';
import { UploadsRepository } from './uploads.repository.js';

export class UploadSettings extends configSlice('UPLOAD_MAX_BYTES') {}

/** How long a client has to send the bytes. */
const PUT_LINK_SECONDS = 15 * 60;
/** How long a download link works: long enough to start it, short enough that a shared one dies. */
export const GET_LINK_SECONDS = 5 * 60;

/** Where and how the client sends the bytes of a declared upload. */
export interface UploadTicket {
  id: string;
  uploadUrl: string;
  method: SignedRequest['method'];
  headers: Record<string, string>;
  expiresAt: Date;
}

/** Signed download links of an upload, and of its thumbnail when it has one. */
export interface UploadLinks {
  url: string;
  thumbnailUrl?: string;
  expiresAt: Date;
}

/** An upload, from its declaration to its links: the bytes go straight to the storage, never through here. */
@Injectable()
export class UploadsService {
  private readonly maxBytes: number;

  constructor(
    private readonly uploads: UploadsRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly inspector: MediaInspector,
    settings: UploadSettings,
  ) {
    this.maxBytes = settings.UPLOAD_MAX_BYTES;
  }

  async create(userId: string, dto: UploadCreateDto): Promise<UploadTicket> {
    if (dto.size > this.maxBytes) throw uploadTooLarge(this.maxBytes);
    if (!this.inspector.allows(dto.mimeType)) throw uploadRejected(`${dto.mimeType} is not a type this server accepts`);
    const upload = await this.uploads.create({ userId, name: dto.name, mimeType: dto.mimeType, size: dto.size });
    const put = await this.storage.signedPut(objectKeyOf(upload.id), {
      contentType: upload.mimeType,
      size: upload.size,
      expiresInSeconds: PUT_LINK_SECONDS,
    });
    return { id: upload.id, uploadUrl: put.url, method: put.method, headers: put.headers, expiresAt: put.expiresAt };
  }

  /**
   * Checks what was stored against what was declared: the size, then the type sniffed from the
   * bytes; an image also gets its dimensions and a thumbnail. A refused upload is deleted, bytes
   * and all. Completing a ready upload again answers it again.
   */
  async complete(userId: string, id: string): Promise<UploadView> {
    const upload = await this.uploads.findOwn(userId, id);
    if (!upload || upload.status === 'deleting' || upload.status === 'rejected') throw uploadNotFound();
    if (upload.status === 'ready') return toUploadView(upload);
    const key = objectKeyOf(id);
    const stored = await this.storage.head(key);
    if (!stored) throw uploadRejected('nothing was uploaded');
    if (stored.size !== upload.size) {
      return this.reject(id, `${stored.size} bytes arrived where ${upload.size} were declared`);
    }
    const bytes = await this.storage.read(key, bytesToRead(upload));
    const inspection = await this.inspector.inspect(bytes, { mimeType: upload.mimeType, size: upload.size });
    if (!inspection.ok) return this.reject(id, inspection.reason);
    if (inspection.thumbnail) await this.storage.write(thumbnailKeyOf(id), inspection.thumbnail, THUMBNAIL_MIME_TYPE);
    const ready = await this.uploads.markReady(id, {
      mimeType: inspection.mimeType,
      width: inspection.width ?? null,
      height: inspection.height ?? null,
      hasThumbnail: inspection.thumbnail !== undefined,
    });
    // Completed by a concurrent request meanwhile.
    const current = ready ?? (await this.uploads.findOwn(userId, id));
    if (current?.status !== 'ready') throw uploadNotFound();
    return toUploadView(current);
  }

  /** Short-lived links for whoever may see the upload; 404 for anyone else, as for none. */
  async links(userId: string, id: string): Promise<UploadLinks> {
    const upload = await this.uploads.visibleTo(userId, id);
    if (!upload) throw uploadNotFound();
    const get = await this.storage.signedGet(objectKeyOf(id), {
      contentType: upload.mimeType,
      fileName: upload.name,
      expiresInSeconds: GET_LINK_SECONDS,
    });
    const thumbnail = upload.hasThumbnail
      ? await this.storage.signedGet(thumbnailKeyOf(id), {
          contentType: THUMBNAIL_MIME_TYPE,
          fileName: `thumbnail-${upload.name}.webp`,
          expiresInSeconds: GET_LINK_SECONDS,
        })
      : undefined;
    return { url: get.url, ...(thumbnail && { thumbnailUrl: thumbnail.url }), expiresAt: get.expiresAt };
  }

  /** Deletes the bytes now; the row stays `rejected` until the sweep, which also takes bytes a late PUT brings. */
  private async reject(id: string, reason: string): Promise<never> {
    await this.storage.delete(objectKeyOf(id));
    await this.uploads.markRejected(id);
    throw uploadRejected(reason);
  }
}
