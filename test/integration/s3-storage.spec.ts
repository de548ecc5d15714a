import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3StorageDriver } from '#src/uploads/storage/s3-storage.driver.js';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { InvalidStorageKeyError } from '#src/uploads/storage/storage.errors.js';
import { StorageModule } from '#src/uploads/storage/storage.module.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The S3 driver over HTTP against s3rver. s3rver checks a presigned URL's expiry, but it does NOT
 * verify signatures or credentials: these tests show the driver makes the right S3 requests and
 * links (bucket, key, headers, response overrides, range, expiry), not that the signatures are
 * correct. The AWS SDK signs and AWS verifies.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newKey = (kind = 'uploads') => `${kind}/${randomUUID()}`;

let s3: S3Server;
let driver: S3StorageDriver;

beforeAll(async () => {
  s3 = await startS3Server();
  driver = new S3StorageDriver({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
});

afterAll(async () => {
  driver?.close();
  await s3?.close();
});

describe('the S3 driver', () => {
  it('presigns a one-time upload that signs its Content-Type, Content-Length and If-None-Match, and stores what is PUT to it', async () => {
    const key = newKey();
    const bytes = Buffer.from('bytes sent straight to the bucket');
    const signed = await driver.signedPut(key, { contentType: 'text/plain', size: bytes.length, expiresInSeconds: 60 });
    expect(signed).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'text/plain', 'If-None-Match': '*' } });
    const url = new URL(signed.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${s3.endpoint}/${s3.bucket}/${key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    // If-None-Match: * makes it a conditional write: S3 refuses a second PUT through the link (s3rver does not).
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match');
    // No checksum of an empty body that the real bytes would then fail.
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 55_000);

    const response = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: bytes });
    expect(response.status).toBe(200);
    expect(await driver.head(key)).toEqual({ size: bytes.length });
    expect(await driver.read(key, 1000)).toEqual(bytes);
  });

  it('reads only the first bytes asked for (a Range request)', async () => {
    const key = newKey();
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    await driver.write(key, bytes, 'application/octet-stream');
    expect(await driver.read(key, 16)).toEqual(bytes.subarray(0, 16));
    expect(await driver.read(key, 10_000)).toEqual(bytes);
  });

  it('stores a file the server made, streamed from disk, with its type', async () => {
    const key = newKey('exports');
    const dir = await mkdtemp(join(tmpdir(), 's3-file-'));
    try {
      const source = join(dir, 'archive.json');
      const bytes = Buffer.from(JSON.stringify({ many: 'y'.repeat(300_000) }));
      await writeFile(source, bytes);
      await driver.writeFile(key, source, 'application/json');
      expect(await driver.head(key)).toEqual({ size: bytes.length });
      expect(await driver.read(key, bytes.length)).toEqual(bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('presigns a download served with the signed type, disposition and cache lifetime', async () => {
    const key = newKey('thumbnails');
    await driver.write(key, Buffer.from('webp bytes'), 'application/octet-stream');
    const signed = await driver.signedGet(key, {
      contentType: 'image/webp',
      fileName: 'vue été.webp',
      expiresInSeconds: 90,
    });
    expect(signed).toMatchObject({ method: 'GET', headers: {} });
    const response = await fetch(signed.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('webp bytes');
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="vue _t_.webp"; filename*=UTF-8''vue%20%C3%A9t%C3%A9.webp`,
    );
    expect(response.headers.get('cache-control')).toBe('private, max-age=90');

    const html = await driver.signedGet(key, { contentType: 'text/html', fileName: 'page.html', expiresInSeconds: 90 });
    expect((await fetch(html.url)).headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('answers null for nothing stored, and deletes (twice is fine)', async () => {
    const key = newKey();
    expect(await driver.head(key)).toBeNull();
    await driver.write(key, Buffer.from('gone soon'), 'text/plain');
    expect(await driver.head(key)).toEqual({ size: 9 });
    await driver.delete(key);
    expect(await driver.head(key)).toBeNull();
    await expect(driver.delete(key)).resolves.toBeUndefined();
  });

  it('makes links that the service refuses once expired', async () => {
    const key = newKey();
    await driver.write(key, Buffer.from('x'), 'text/plain');
    const get = await driver.signedGet(key, { contentType: 'text/plain', fileName: 'x.txt', expiresInSeconds: 1 });
    const put = await driver.signedPut(newKey(), { contentType: 'text/plain', size: 1, expiresInSeconds: 1 });
    await sleep(2100);
    expect((await fetch(get.url)).status).toBe(403);
    expect((await fetch(put.url, { method: 'PUT', headers: put.headers, body: 'y' })).status).toBe(403);
  });

  it('refuses keys that are not <kind>/<uuid> before any request', async () => {
    for (const key of ['../other-bucket/x', 'uploads/x', `uploads/${randomUUID()}/../../x`]) {
      await expect(driver.head(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(
        driver.signedGet(key, { contentType: 'a/b', fileName: 'x', expiresInSeconds: 1 }),
      ).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });
});

describe('STORAGE_DRIVER=s3 in the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: true,
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
      },
      { extraModules: [StorageModule] },
    );
  });
  afterAll(() => t?.close());

  it('provides the S3 driver, whose links point at the bucket', async () => {
    const configured = t.app.get<StorageDriver>(STORAGE_DRIVER);
    expect(configured.name).toBe('s3');
    const key = newKey();
    const signed = await configured.signedPut(key, { contentType: 'text/plain', size: 2, expiresInSeconds: 60 });
    expect(signed.url.startsWith(`${s3.endpoint}/${s3.bucket}/${key}?`)).toBe(true);
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'ok' })).status).toBe(200);
    expect(await configured.head(key)).toEqual({ size: 2 });
  });

  it('answers 404 on the local storage routes', async () => {
    const path = `/api/v1/storage/${newKey()}?op=get&exp=9999999999&type=text%2Fplain&name=x&sig=${'0'.repeat(64)}`;
    const response = await t.request('GET', path);
    expect(response.status).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });
});
