import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { contentDisposition } from './content-disposition.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { STORAGE_DRIVER, type StorageDriver } from './storage-driver.js';
import { isStorageKey } from './storage-key.js';
import { linkInvalid, storedObjectNotFound, uploadTooLarge } from './storage.errors.js';
import { StorageSettings } from './storage.settings.js';

/** An upload as the PUT route receives it. */
export interface IncomingUpload {
  query: unknown;
  /** The request's own `Content-Type` header. */
  contentType: string | undefined;
  /** The request's `Content-Length` header, when it sent one. */
  contentLength: string | undefined;
  body: Readable;
}

/** A download as the GET route serves it. */
export interface OutgoingDownload {
  stream: Readable;
  size: number;
  headers: Record<string, string>;
}

/** The media type without parameters, lowercased: `Image/PNG; x=1` and `image/png` are the same type. */
const mediaType = (value: string) => value.split(';')[0].trim().toLowerCase();

/**
 * The rules of the routes that serve the local driver's signed links. With the S3 driver (whose
 * links point at the bucket) the routes answer 404, as does a key that cannot exist.
 */
@Injectable()
export class LocalStorageService {
  constructor(
    @Inject(STORAGE_DRIVER) private readonly driver: StorageDriver,
    private readonly settings: StorageSettings,
  ) {}

  /**
   * Checks the link, the type and the declared length before reading a byte, then stores the body
   * as it arrives, stopping at the first byte over the limit (413). A shorter body than signed is
   * stored: the upload service compares sizes when the upload is completed.
   */
  async receive(kind: string, id: string, upload: IncomingUpload): Promise<void> {
    const { driver, key } = this.local(kind, id);
    const grant = driver.verifyLink(key, 'put', upload.query);
    if (upload.contentType === undefined || mediaType(upload.contentType) !== mediaType(grant.type)) {
      throw linkInvalid('the Content-Type differs from the one the link was signed for');
    }
    const limit = Math.min(grant.size ?? 0, this.settings.UPLOAD_MAX_BYTES);
    if (upload.contentLength !== undefined && Number(upload.contentLength) > limit) throw uploadTooLarge(limit);
    await driver.receive(key, upload.body, limit);
  }

  /** The stored object with the headers its link was signed for, so that a browser never runs it as a page. */
  async open(kind: string, id: string, query: unknown): Promise<OutgoingDownload> {
    const { driver, key } = this.local(kind, id);
    const grant = driver.verifyLink(key, 'get', query);
    const file = await driver.openRead(key);
    if (!file) throw storedObjectNotFound();
    const remaining = Math.max(0, grant.exp - Math.floor(Date.now() / 1000));
    return {
      stream: file.stream,
      size: file.size,
      headers: {
        'content-type': grant.type,
        'content-length': String(file.size),
        'content-disposition': contentDisposition(grant.type, grant.name ?? ''),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
        'cache-control': `private, max-age=${remaining}`,
        // Signed links are meant to be embedded by the web client, wherever it is served from.
        'cross-origin-resource-policy': 'cross-origin',
      },
    };
  }

  private local(kind: string, id: string): { driver: LocalStorageDriver; key: string } {
    const key = `${kind}/${id}`;
    if (!(this.driver instanceof LocalStorageDriver) || !isStorageKey(key)) throw storedObjectNotFound();
    return { driver: this.driver, key };
  }
}
