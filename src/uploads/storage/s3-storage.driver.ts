import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type {
  SignedGetOptions,
  SignedPutOptions,
  SignedRequest,
  StorageDriver,
  StoredObject,
} from './storage-driver.js';
import { contentDisposition } from './content-disposition.js';
import { checkedStorageKey } from './storage-key.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** A key only signed, never stored, to learn the links' origin. */
const ORIGIN_PROBE_KEY = 'uploads/00000000-0000-0000-0000-000000000000';

/** AWS refuses presigned links valid for longer than a week. */
const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

/**
 * Objects in an S3 bucket (or an S3-compatible service: MinIO, R2), with links presigned by the
 * AWS SDK (signature V4, verified by the service, not by this app).
 */
export class S3StorageDriver implements StorageDriver {
  readonly name = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // The SDK would otherwise add a CRC32 of the (empty) body to presigned uploads, which the
      // client's real bytes never match, and which S3-compatible services do not all support.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async signedPut(key: string, { contentType, size, expiresInSeconds }: SignedPutOptions): Promise<SignedRequest> {
    const expiresIn = this.expiresIn(expiresInSeconds);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: checkedStorageKey(key),
      ContentType: contentType,
      ContentLength: size,
      // A conditional write: the link stores the object once, so bytes completion checked can
      // never be replaced through it (S3 answers a second PUT 412).
      IfNoneMatch: '*',
    });
    // The headers are signed: the service refuses another type, another length than declared, or
    // a PUT without the condition.
    const url = await getSignedUrl(this.client, command, {
      expiresIn,
      signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
    });
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': contentType, 'If-None-Match': '*' },
      expiresAt: this.expiresAt(expiresIn),
    };
  }

  async signedGet(key: string, { contentType, fileName, expiresInSeconds }: SignedGetOptions): Promise<SignedRequest> {
    const expiresIn = this.expiresIn(expiresInSeconds);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: checkedStorageKey(key),
      ResponseContentType: contentType,
      ResponseContentDisposition: contentDisposition(contentType, fileName),
      ResponseCacheControl: `private, max-age=${expiresIn}`,
    });
    const url = await getSignedUrl(this.client, command, { expiresIn });
    return { url, method: 'GET', headers: {}, expiresAt: this.expiresAt(expiresIn) };
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const output = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: checkedStorageKey(key) }),
      );
      return { size: output.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    if (maxBytes <= 0) return Buffer.alloc(0);
    const output = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: checkedStorageKey(key), Range: `bytes=0-${maxBytes - 1}` }),
    );
    const bytes = await output.Body!.transformToByteArray();
    // A service that ignores Range sends it all: keep what was asked for.
    return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, maxBytes));
  }

  async write(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: checkedStorageKey(key),
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
    );
  }

  /** One PutObject streamed from the file, its length known beforehand (S3 takes up to 5 GB so). */
  async writeFile(key: string, path: string, contentType: string): Promise<void> {
    const { size } = await stat(path);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: checkedStorageKey(key),
        Body: createReadStream(path),
        ContentType: contentType,
        ContentLength: size,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkedStorageKey(key) }));
  }

  /**
   * The origin of the links the SDK presigns, taken from one it signs here (no request is sent):
   * the SDK alone knows when a bucket goes into the host name, which partition's domain a region
   * has, and when a custom endpoint keeps the bucket in the path.
   */
  async browserOrigin(): Promise<string | null> {
    const { url } = await this.signedPut(ORIGIN_PROBE_KEY, { contentType: 'image/png', size: 1, expiresInSeconds: 60 });
    return new URL(url).origin;
  }

  /** Closes the client's connections (the module's shutdown). */
  close(): void {
    this.client.destroy();
  }

  private expiresIn(seconds: number): number {
    return Math.min(MAX_EXPIRY_SECONDS, Math.max(1, Math.floor(seconds)));
  }

  private expiresAt(expiresIn: number): Date {
    return new Date(Date.now() + expiresIn * 1000);
  }
}
