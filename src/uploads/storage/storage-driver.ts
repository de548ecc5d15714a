/** A request a client makes straight to the storage: the URL carries its authorisation and expiry. */
export interface SignedRequest {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the client must send with it (a PUT's `Content-Type`, for one). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** What the storage holds under a key. */
export interface StoredObject {
  size: number;
}

export interface SignedPutOptions {
  contentType: string;
  /** The exact size the client declared: the upload is refused past it. */
  size: number;
  expiresInSeconds: number;
}

export interface SignedGetOptions {
  /** Served as this type (the sniffed one), never as what the uploader claimed. */
  contentType: string;
  /** The name a browser saves it under (`Content-Disposition`). */
  fileName: string;
  expiresInSeconds: number;
}

/**
 * Where uploads are kept: local disk (the embedded default) or S3. Keys are made by the service
 * (`uploads/<uploadId>`, `thumbnails/<uploadId>`, `exports/<exportId>`), never taken from a client.
 */
export interface StorageDriver {
  readonly name: 'local' | 's3';
  signedPut(key: string, options: SignedPutOptions): Promise<SignedRequest>;
  signedGet(key: string, options: SignedGetOptions): Promise<SignedRequest>;
  /** Null when nothing is stored under the key. */
  head(key: string): Promise<StoredObject | null>;
  /** The object's first `maxBytes` bytes at most (all of it when smaller): for sniffing and thumbnails. */
  read(key: string, maxBytes: number): Promise<Buffer>;
  /** Stores bytes the server made itself (thumbnails). */
  write(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Stores a file the server made itself (data export archives), streamed: never held in memory whole. */
  writeFile(key: string, path: string, contentType: string): Promise<void>;
  /** Deletes the object; nothing stored under the key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The origin browsers upload to and download from, or null when the links are the app's own
   * (relative). The web app's Content-Security-Policy allows it.
   */
  browserOrigin(): Promise<string | null>;
}

/** The injection token of the configured driver. */
export const STORAGE_DRIVER = Symbol('StorageDriver');
