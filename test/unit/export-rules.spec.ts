import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveFile, pages } from '#src/privacy/archive-file.js';
import { statusOf, toExportView } from '#src/privacy/export.presenter.js';
import { ExportWorker, MAX_EXPORT_ATTEMPTS } from '#src/privacy/export-worker.service.js';
import type { ClaimedExport, ExportRow } from '#src/privacy/exports.repository.js';
import { T0 } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const HOUR = 3_600_000;
const aRow = (overrides: Partial<ExportRow> = {}): ExportRow => ({
  userId: 'u',
  id: 'e',
  status: 'ready',
  createdAt: T0,
  completedAt: T0,
  expiresAt: new Date(T0.getTime() + HOUR),
  size: 42n,
  ...overrides,
});

describe('what an export shows its owner', () => {
  it('is expired once a ready archive is past its time, before the sweep has deleted it', () => {
    expect(statusOf(aRow(), T0)).toBe('ready');
    expect(statusOf(aRow(), new Date(T0.getTime() + HOUR))).toBe('expired');
    expect(statusOf(aRow({ status: 'pending', expiresAt: null }), T0)).toBe('pending');
  });

  it('carries a link only when given one, and its size as a number', () => {
    expect(toExportView(aRow(), undefined, T0)).toEqual({
      id: 'e',
      status: 'ready',
      createdAt: T0.toISOString(),
      completedAt: T0.toISOString(),
      expiresAt: new Date(T0.getTime() + HOUR).toISOString(),
      size: 42,
    });
    const link = { url: '/api/v1/storage/exports/e?sig=x', expiresAt: T0 };
    expect(toExportView(aRow(), link, T0)).toMatchObject({ url: link.url, urlExpiresAt: T0.toISOString() });
  });
});

describe('an archive file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one JSON object, lists written page by page, dates and bigints readable, its size exact', async () => {
    const path = join(dir, 'a.json');
    const archive = new ArchiveFile(path);
    await archive.field('at', T0);
    await archive.list('none', []);
    await archive.list<Record<string, unknown>>('items', [[{ n: 1n }, { n: 2 }], [{ text: 'ü "quoted"' }]]);
    const size = await archive.close();
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toEqual({
      at: T0.toISOString(),
      none: [],
      items: [{ n: 1 }, { n: 2 }, { text: 'ü "quoted"' }],
    });
    expect(size).toBe(Buffer.byteLength(text));
  });

  it('refuses to write over an existing file', async () => {
    const path = join(dir, 'b.json');
    const first = new ArchiveFile(path);
    await first.close();
    const second = new ArchiveFile(path);
    await expect(second.field('x', 1).then(() => second.close())).rejects.toThrow(/EEXIST/);
  });
});

describe('keyset pages', () => {
  it('read from after the last key until a short page, running `between` before each read', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => i + 1);
    const reads: (number | undefined)[] = [];
    let between = 0;
    const read = (limit: number, after: number | undefined) => {
      reads.push(after);
      return Promise.resolve(rows.filter((row) => row > (after ?? 0)).slice(0, limit));
    };
    const seen: number[][] = [];
    for await (const page of pages(
      read,
      (row) => row,
      2,
      () => {
        between += 1;
        return Promise.resolve();
      },
    ))
      seen.push(page);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(reads).toEqual([undefined, 2, 4]);
    expect(between).toBe(3);
  });

  it('stop after a full page that turns out to be the last', async () => {
    const read = (limit: number, after: number | undefined) => Promise.resolve(after === undefined ? [1, 2] : []);
    const seen: number[][] = [];
    for await (const page of pages(
      read,
      (row) => row,
      2,
      () => Promise.resolve(),
    ))
      seen.push(page);
    expect(seen).toEqual([[1, 2]]);
  });
});

describe('the export worker', () => {
  const claim = (attempts: number): ClaimedExport => ({ userId: 'u', id: 'e', attempts });

  const workerWith = async (
    build: (userId: string, id: string, keepClaim: () => Promise<void>) => Promise<number | null>,
    attempts = 1,
  ) => {
    const { subject, fakes } = await newTestService(
      ExportWorker,
      {
        ExportsRepository: {
          claim: () => Promise.resolve(claim(attempts)),
          complete: () => Promise.resolve(true),
          fail: () => Promise.resolve(),
          retryLater: () => Promise.resolve(),
          // Another worker holds the export by the time this one renews.
          renew: () => Promise.resolve(false),
        },
        ExportBuilder: { build },
      },
      // A lease of a second: renewed once a third of it has passed.
      { settings: { OUTBOX_LEASE_SECONDS: 1 } },
    );
    await (subject as unknown as { turn(): Promise<boolean> }).turn();
    return fakes.ExportsRepository;
  };

  it('stores a built archive as ready, for EXPORT_KEEP_HOURS', async () => {
    const exports = await workerWith(() => Promise.resolve(123));
    expect(exports.complete.mock.calls).toEqual([[claim(1), 123, 72]]);
  });

  it('fails at once the export of an account deleted meanwhile', async () => {
    const exports = await workerWith(() => Promise.resolve(null));
    expect(exports.fail.mock.calls).toEqual([[claim(1), 'the account was deleted']]);
  });

  it('retries a failed build with backoff, and gives up after the last attempt', async () => {
    const broken = () => Promise.reject(new Error('disk full'));
    const early = await workerWith(broken, 1);
    expect(early.retryLater.mock.calls).toEqual([[claim(1), expect.any(Number), 'disk full']]);
    expect(early.fail).not.toHaveBeenCalled();
    const last = await workerWith(broken, MAX_EXPORT_ATTEMPTS);
    expect(last.fail.mock.calls).toEqual([[claim(MAX_EXPORT_ATTEMPTS), 'disk full']]);
    expect(last.retryLater).not.toHaveBeenCalled();
  });

  it('stops, writing nothing, once its claim was lost to another worker (its lease lapsed)', async () => {
    const exports = await workerWith(async (_userId, _id, keepClaim) => {
      await keepClaim();
      await new Promise((resolve) => setTimeout(resolve, 400));
      await keepClaim();
      return 1;
    });
    expect(exports.renew).toHaveBeenCalledTimes(1);
    expect(exports.complete).not.toHaveBeenCalled();
    expect(exports.fail).not.toHaveBeenCalled();
    expect(exports.retryLater).not.toHaveBeenCalled();
  });
});
