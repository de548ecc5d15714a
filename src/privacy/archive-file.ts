import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/** Dates as ISO strings (JSON.stringify does that), bigints as numbers. */
const toJson = (value: unknown) =>
  JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? Number(field) : field));

/**
 * A JSON object written to a file field by field, lists item by item, each write waiting for the
 * stream to drain: what is held in memory is one item, never the archive.
 */
export class ArchiveFile {
  private fields = 0;
  private size = 0;
  private failure?: Error;
  private readonly out: WriteStream;

  constructor(readonly path: string) {
    // Owner-only: it holds a user's private data until it is stored and deleted.
    this.out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    // A full disk must fail the export, never the process: the next write throws it.
    this.out.on('error', (error) => (this.failure ??= error));
    this.out.write('{');
    this.size += 1;
  }

  /** A field holding one value. */
  async field(name: string, value: unknown): Promise<void> {
    await this.write(`${this.separator()}${toJson(name)}:${toJson(value)}`);
  }

  /** A field holding a list, written as `pages` yields them. */
  async list<T>(name: string, pages: AsyncIterable<T[]> | Iterable<T[]>): Promise<void> {
    await this.write(`${this.separator()}${toJson(name)}:[`);
    let first = true;
    for await (const page of pages) {
      for (const item of page) {
        await this.write(`${first ? '' : ','}${toJson(item)}`);
        first = false;
      }
    }
    await this.write(']');
  }

  /** Ends the object and closes the file; its size in bytes. */
  async close(): Promise<number> {
    this.out.end('}');
    await finished(this.out);
    return this.size + 1;
  }

  /** Closes the file after a failure, whatever state the stream is in. */
  abort(): void {
    this.out.destroy();
  }

  private separator(): string {
    this.fields += 1;
    return this.fields === 1 ? '' : ',';
  }

  private async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.size += Buffer.byteLength(text);
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

/**
 * The pages of a keyset-paginated list: `read(after)` gives up to `limit` items after the key
 * `keyOf` takes from the last item of the page before; `between` runs before each page.
 */
export async function* pages<T, K>(
  read: (limit: number, after: K | undefined) => Promise<T[]>,
  keyOf: (item: T) => K,
  limit: number,
  between: () => Promise<void>,
): AsyncGenerator<T[]> {
  let after: K | undefined;
  for (;;) {
    await between();
    const page = await read(limit, after);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
    after = keyOf(page[page.length - 1]);
  }
}
