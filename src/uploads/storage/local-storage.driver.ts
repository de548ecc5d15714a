import { randomUUID } from 'node:crypto';
import { createWriteStream, type ReadStream } from 'node:fs';
import { copyFile, constants, link, mkdir, open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, finished, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalStorageLinks, type LinkGrant, type LinkOperation } from './local-storage-links.js';
import type {
  SignedGetOptions,
  SignedPutOptions,
  SignedRequest,
  StorageDriver,
  StoredObject,
} from './storage-driver.js';
import { checkedStorageKey } from './storage-key.js';
import { objectAlreadyStored, uploadInterrupted, uploadTooLarge } from './storage.errors.js';

/** Partly received uploads, renamed into place once complete (same file system, so the rename is atomic). */
const PARTIAL_DIR = '.partial';

/** A request body that stopped before its end: the client aborted, or the connection broke. */
const isInterruption = (error: unknown) =>
  ['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED'].includes(
    (error as NodeJS.ErrnoException | null)?.code ?? '',
  ) || (error as Error | null)?.message === 'aborted';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * Objects as files under the storage directory (`<dir>/<kind>/<id>`), with signed links to the
 * routes the app serves itself (StorageController). A file appears only whole: bytes go to a
 * temporary file first, which is renamed into place.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local' as const;
  private readonly root: string;

  constructor(
    directory: string,
    private readonly links: LocalStorageLinks,
    private readonly now: () => number = Date.now,
  ) {
    this.root = resolve(directory);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a bad key rejects, as the S3 driver's does
  async signedPut(key: string, { contentType, size, expiresInSeconds }: SignedPutOptions): Promise<SignedRequest> {
    return this.signed(
      key,
      'PUT',
      { op: 'put', exp: this.expiry(expiresInSeconds), size, type: contentType },
      contentType,
    );
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a bad key rejects, as the S3 driver's does
  async signedGet(key: string, { contentType, fileName, expiresInSeconds }: SignedGetOptions): Promise<SignedRequest> {
    return this.signed(key, 'GET', {
      op: 'get',
      exp: this.expiry(expiresInSeconds),
      type: contentType,
      name: fileName,
    });
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const stats = await stat(this.pathOf(key));
      return stats.isFile() ? { size: stats.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(Math.min(maxBytes, (await handle.stat()).size));
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  /** The type is not kept: a download's type is the one its link was signed with. */
  async write(key: string, body: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const partial = await this.partialPath();
    try {
      await writeFile(partial, body, { flag: 'wx', mode: 0o600 });
      await this.moveIntoPlace(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  /**
   * Copied by the file system (no buffer of it here; the copy takes the source's mode), then
   * renamed into place: it appears only whole.
   */
  async writeFile(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    const partial = await this.partialPath();
    try {
      await copyFile(path, partial, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      await this.moveIntoPlace(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Its links are paths on the app itself. */
  browserOrigin(): Promise<string | null> {
    return Promise.resolve(null);
  }

  /** The grant of a link to `key` for `op`, or 403 `LINK_INVALID`. */
  verifyLink(key: string, op: LinkOperation, query: unknown): LinkGrant {
    return this.links.verify(checkedStorageKey(key), op, query, Math.floor(this.now() / 1000));
  }

  /**
   * Stores `body` under `key` as it arrives, never holding it whole. Past `maxBytes` it stops
   * reading, deletes what it wrote and throws 413 `PAYLOAD_TOO_LARGE`; the body is left unread and
   * undestroyed, so the caller can still answer on the connection. Resolves with the size stored.
   * An object is stored once: a key that already holds one is 409 `CONFLICT`, so the bytes an upload
   * was checked against at completion can never be swapped for others through its link.
   */
  async receive(key: string, body: Readable, maxBytes: number): Promise<number> {
    const target = this.pathOf(key);
    if (await this.head(key)) throw objectAlreadyStored();
    const partial = await this.partialPath();
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > maxBytes) callback(uploadTooLarge(maxBytes));
        else callback(null, chunk);
      },
    });
    // `pipe`, not `pipeline`, from the request: an error downstream unpipes it instead of destroying it.
    const stopWatching = finished(body, { writable: false }, (error) => {
      if (error) counter.destroy(error);
    });
    body.pipe(counter);
    try {
      await pipeline(counter, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
      await this.moveIntoPlaceOnce(partial, target);
      return received;
    } catch (error) {
      body.unpipe(counter);
      await rm(partial, { force: true });
      throw isInterruption(error) ? uploadInterrupted() : error;
    } finally {
      stopWatching();
    }
  }

  /** The stored object as a stream, or null when nothing is stored under the key. */
  async openRead(key: string): Promise<{ stream: ReadStream; size: number } | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const stats = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!stats.isFile()) {
      await handle.close();
      return null;
    }
    // The stream owns the handle from here and closes it when it ends or is destroyed.
    return { stream: handle.createReadStream({ autoClose: true }), size: stats.size };
  }

  private signed(key: string, method: 'PUT' | 'GET', grant: LinkGrant, contentType?: string): SignedRequest {
    return {
      url: this.links.url(checkedStorageKey(key), grant),
      method,
      headers: contentType === undefined ? {} : { 'Content-Type': contentType },
      expiresAt: new Date(grant.exp * 1000),
    };
  }

  private expiry(expiresInSeconds: number): number {
    return Math.floor(this.now() / 1000) + Math.max(1, Math.floor(expiresInSeconds));
  }

  /** The file of a key: only ever inside the storage directory (the key pattern has no `.` or extra `/`). */
  private pathOf(key: string): string {
    const path = join(this.root, ...checkedStorageKey(key).split('/'));
    if (!path.startsWith(this.root + sep)) throw new Error('A storage path left the storage directory');
    return path;
  }

  private async partialPath(): Promise<string> {
    const directory = join(this.root, PARTIAL_DIR);
    await mkdir(directory, { recursive: true });
    return join(directory, randomUUID());
  }

  private async moveIntoPlace(partial: string, target: string): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    await rename(partial, target);
  }

  /** As `moveIntoPlace`, but never over an existing file: a hard link fails with EEXIST where a rename would replace. */
  private async moveIntoPlaceOnce(partial: string, target: string): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    try {
      await link(partial, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException | null)?.code === 'EEXIST') throw objectAlreadyStored();
      throw error;
    }
    await rm(partial, { force: true });
  }
}
