import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import type { LocalStorageDriver } from '#src/uploads/storage/local-storage.driver.js';
import { STORAGE_DRIVER, type SignedRequest, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { InvalidStorageKeyError } from '#src/uploads/storage/storage.errors.js';
import { StorageModule } from '#src/uploads/storage/storage.module.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The local driver through the real app: links it signs, the routes that honour them, and what a
 * client that changes a link, outlives it, lies about its body or aims at another path gets.
 */

const MAX_BYTES = 64 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestApp;
let driver: StorageDriver;
/** The parent of STORAGE_DIR: nothing may ever be written here. */
let outside: string;
let dir: string;

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'storage-spec-'));
  dir = join(outside, 'uploads');
  t = await startTestApp({ STORAGE_DIR: dir, UPLOAD_MAX_BYTES: MAX_BYTES }, { extraModules: [StorageModule] });
  driver = t.app.get(STORAGE_DRIVER);
  expect(driver.name).toBe('local');
});

afterAll(async () => {
  await t?.close();
  await rm(outside, { recursive: true, force: true });
});

const newKey = (kind = 'uploads') => `${kind}/${randomUUID()}`;

/** Sends a signed request (or a changed copy of it) as a client would. */
function send(
  signed: SignedRequest,
  body?: Uint8Array,
  init: { url?: string; method?: string; headers?: Record<string, string> } = {},
) {
  return fetch(`${t.baseUrl}${init.url ?? signed.url}`, {
    method: init.method ?? signed.method,
    headers: init.headers ?? signed.headers,
    body,
  });
}

/** The link with one query field replaced. */
function withField(url: string, name: string, value: string): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.set(name, value);
  return `${parsed.pathname}${parsed.search}`;
}

/** A request written by hand, so that nothing normalises its path or its headers. */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; text: string; elapsedMs: number }> {
  const started = Date.now();
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, elapsedMs: Date.now() - started });
        request.destroy();
      });
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    if (body) request.write(body);
    // A request that claims more than it sends is left open: the server must answer anyway.
    if (headers['content-length'] === undefined || Number(headers['content-length']) === (body?.length ?? 0)) {
      request.end();
    }
  });
}

async function expectRefused(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { code: string }).code).toBe(code);
}

const partialFiles = async () => (existsSync(join(dir, '.partial')) ? readdir(join(dir, '.partial')) : []);

describe('a signed upload and download', () => {
  it('stores the bytes of a signed PUT, which the driver then sees and reads', async () => {
    const key = newKey();
    const bytes = Buffer.from('hello, storage: ünïcödé bytes \u0000\u0001');
    const signed = await driver.signedPut(key, { contentType: 'text/plain', size: bytes.length, expiresInSeconds: 60 });
    expect(signed).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'text/plain' } });
    expect(signed.url).toMatch(
      new RegExp(`^/api/v1/storage/${key}\\?op=put&exp=\\d+&size=${bytes.length}&type=text%2Fplain&sig=[0-9a-f]{64}$`),
    );
    expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 55_000);

    const response = await send(signed, bytes);
    expect(response.status).toBe(204);
    expect(await driver.head(key)).toEqual({ size: bytes.length });
    expect(await driver.read(key, 1024)).toEqual(bytes);
    expect(await driver.read(key, 5)).toEqual(bytes.subarray(0, 5));
    expect(await partialFiles()).toEqual([]);
  });

  it('takes any content type as a raw body, JSON included, larger than the JSON body limit', async () => {
    const key = newKey();
    const json = Buffer.from(JSON.stringify({ not: 'parsed', list: [1, 2, 3] }));
    const signed = await driver.signedPut(key, {
      contentType: 'application/json',
      size: json.length,
      expiresInSeconds: 60,
    });
    expect((await send(signed, json)).status).toBe(204);
    expect(await driver.read(key, 1024)).toEqual(json);

    const big = Buffer.alloc(MAX_BYTES, 7);
    const bigKey = newKey();
    const bigLink = await driver.signedPut(bigKey, {
      contentType: 'application/zip',
      size: big.length,
      expiresInSeconds: 60,
    });
    expect((await send(bigLink, big)).status).toBe(204);
    expect(await driver.head(bigKey)).toEqual({ size: MAX_BYTES });
  });

  it('accepts a body shorter than signed (the upload service compares sizes at completion)', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, { contentType: 'image/png', size: 100, expiresInSeconds: 60 });
    expect((await send(signed, Buffer.from('short'))).status).toBe(204);
    expect(await driver.head(key)).toEqual({ size: 5 });
  });

  it('streams a download back with the signed type, name and headers that keep a browser from running it', async () => {
    const key = newKey();
    const bytes = Buffer.from('<html><script>alert(1)</script></html>');
    await driver.write(key, bytes, 'text/html');
    const signed = await driver.signedGet(key, {
      contentType: 'text/html',
      fileName: 'résumé "final".html',
      expiresInSeconds: 120,
    });
    expect(signed).toMatchObject({ method: 'GET', headers: {} });
    expect(signed.url).toMatch(
      new RegExp(`^/api/v1/storage/${key}\\?op=get&exp=\\d+&type=text%2Fhtml&name=.+&sig=[0-9a-f]{64}$`),
    );

    const response = await send(signed);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _final_.html"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.html`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(110);
    expect(maxAge).toBeLessThanOrEqual(120);
  });

  it('shows raster images inline, and nothing else', async () => {
    const key = newKey('thumbnails');
    await driver.write(key, Buffer.from('png bytes'), 'image/png');
    const png = await send(
      await driver.signedGet(key, { contentType: 'image/png', fileName: 'a.png', expiresInSeconds: 60 }),
    );
    expect(png.headers.get('content-disposition')).toBe(`inline; filename="a.png"; filename*=UTF-8''a.png`);
    const svg = await send(
      await driver.signedGet(key, { contentType: 'image/svg+xml', fileName: 'a.svg', expiresInSeconds: 60 }),
    );
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('writes server-made bytes, and deletes: the link then finds nothing', async () => {
    const key = newKey('thumbnails');
    await driver.write(key, Buffer.from('thumb'), 'image/webp');
    expect(await driver.head(key)).toEqual({ size: 5 });
    const link = await driver.signedGet(key, { contentType: 'image/webp', fileName: 't.webp', expiresInSeconds: 60 });
    await driver.delete(key);
    expect(await driver.head(key)).toBeNull();
    await expectRefused(await send(link), 404, 'NOT_FOUND');
    await expect(driver.delete(key)).resolves.toBeUndefined();
  });

  it('stores a file the server made, whole and owner-only, leaving the file itself as it was', async () => {
    const key = newKey('exports');
    const made = await mkdtemp(join(tmpdir(), 'storage-source-'));
    const source = join(made, 'archive.json');
    const bytes = Buffer.from(JSON.stringify({ many: 'x'.repeat(200_000) }));
    await writeFile(source, bytes, { mode: 0o600 });
    await driver.writeFile(key, source, 'application/json');
    expect(await readFile(source)).toEqual(bytes);
    await rm(made, { recursive: true, force: true });
    expect(await driver.head(key)).toEqual({ size: bytes.length });
    expect(await driver.read(key, bytes.length)).toEqual(bytes);
    expect((await stat(join(dir, key))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, '.partial'))).toEqual([]);
    const download = await send(
      await driver.signedGet(key, { contentType: 'application/json', fileName: 'a.json', expiresInSeconds: 60 }),
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await download.arrayBuffer()).byteLength).toBe(bytes.length);
  });
});

describe('a link that is not exactly as signed', () => {
  const body = Buffer.from('0123456789');
  let key: string;
  let signed: SignedRequest;
  beforeEach(async () => {
    key = newKey();
    signed = await driver.signedPut(key, { contentType: 'text/plain', size: body.length, expiresInSeconds: 60 });
  });

  it('is refused when its signature is tampered with, and nothing is stored', async () => {
    const sig = new URL(signed.url, 'http://x').searchParams.get('sig')!;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    await expectRefused(await send(signed, body, { url: withField(signed.url, 'sig', flipped) }), 403, 'LINK_INVALID');
    await expectRefused(await send(signed, body, { url: withField(signed.url, 'sig', 'zz') }), 403, 'LINK_INVALID');
    const unsigned = signed.url.replace(/&sig=[0-9a-f]+$/, '');
    await expectRefused(await send(signed, body, { url: unsigned }), 403, 'LINK_INVALID');
    expect(await driver.head(key)).toBeNull();
  });

  it.each([
    ['size', '1000000'],
    ['type', 'text/html'],
    ['exp', String(Math.floor(Date.now() / 1000) + 86400)],
  ])('is refused when its %s is changed', async (field, value) => {
    const headers = field === 'type' ? { 'Content-Type': value } : signed.headers;
    await expectRefused(
      await send(signed, body, { url: withField(signed.url, field, value), headers }),
      403,
      'LINK_INVALID',
    );
    expect(await driver.head(key)).toBeNull();
  });

  it('is refused for another object', async () => {
    const other = newKey();
    await expectRefused(await send(signed, body, { url: signed.url.replace(key, other) }), 403, 'LINK_INVALID');
    expect(await driver.head(other)).toBeNull();
  });

  it('is refused with another Content-Type than signed, or none', async () => {
    await expectRefused(await send(signed, body, { headers: { 'Content-Type': 'text/html' } }), 403, 'LINK_INVALID');
    const none = await rawRequest('PUT', signed.url, { 'content-length': body.length }, body);
    expect(none.status).toBe(403);
    expect(JSON.parse(none.text).code).toBe('LINK_INVALID');
    expect(await driver.head(key)).toBeNull();
  });

  it('accepts the signed type with parameters or another case', async () => {
    expect((await send(signed, body, { headers: { 'Content-Type': 'Text/Plain; charset=utf-8' } })).status).toBe(204);
  });

  it('is refused when it is a download link used to upload, or the other way round', async () => {
    await driver.write(key, Buffer.from('kept'), 'text/plain');
    const get = await driver.signedGet(key, { contentType: 'text/plain', fileName: 'a.txt', expiresInSeconds: 60 });
    await expectRefused(
      await send(get, body, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } }),
      403,
      'LINK_INVALID',
    );
    await expectRefused(await send(signed, undefined, { method: 'GET', headers: {} }), 403, 'LINK_INVALID');
    expect(await driver.read(key, 100)).toEqual(Buffer.from('kept'));
  });

  it('is refused once expired, to upload and to download', async () => {
    const put = await driver.signedPut(key, { contentType: 'text/plain', size: body.length, expiresInSeconds: 1 });
    const getKey = newKey();
    await driver.write(getKey, Buffer.from('x'), 'text/plain');
    const get = await driver.signedGet(getKey, { contentType: 'text/plain', fileName: 'x.txt', expiresInSeconds: 1 });
    await sleep(2100);
    await expectRefused(await send(put, body), 403, 'LINK_INVALID');
    await expectRefused(await send(get), 403, 'LINK_INVALID');
    expect(await driver.head(key)).toBeNull();
  });
});

describe('an upload larger than allowed', () => {
  it('is refused with 413 past the signed size, and nothing is kept', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, { contentType: 'text/plain', size: 10, expiresInSeconds: 60 });
    await expectRefused(await send(signed, Buffer.alloc(11, 1)), 413, 'PAYLOAD_TOO_LARGE');
    expect(await driver.head(key)).toBeNull();
    expect(await partialFiles()).toEqual([]);
  });

  it('is refused as it streams in without a Content-Length, at the first byte past the limit', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, {
      contentType: 'application/octet-stream',
      size: 1000,
      expiresInSeconds: 60,
    });
    const chunks = [Buffer.alloc(600, 1), Buffer.alloc(600, 2)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${t.baseUrl}${signed.url}`, {
      method: 'PUT',
      headers: signed.headers,
      body: stream,
      duplex: 'half',
    });
    await expectRefused(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(await driver.head(key)).toBeNull();
    expect(await partialFiles()).toEqual([]);
  });

  it('is refused past UPLOAD_MAX_BYTES even when the link allows more', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, {
      contentType: 'text/plain',
      size: MAX_BYTES * 4,
      expiresInSeconds: 60,
    });
    await expectRefused(await send(signed, Buffer.alloc(MAX_BYTES + 1, 1)), 413, 'PAYLOAD_TOO_LARGE');
    expect(await driver.head(key)).toBeNull();
  });

  it('is refused at once when Content-Length claims too much, before the body is read', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, { contentType: 'text/plain', size: MAX_BYTES, expiresInSeconds: 60 });
    // 10 GB announced, a few bytes sent, the rest never: only an answer from the headers can come back.
    const response = await rawRequest(
      'PUT',
      signed.url,
      { 'content-type': 'text/plain', 'content-length': 10 * 1024 ** 3 },
      Buffer.from('abc'),
    );
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.headers.connection).toBe('close');
    expect(response.elapsedMs).toBeLessThan(2000);
    expect(await driver.head(key)).toBeNull();
  });
});

describe('an upload that stops halfway', () => {
  it('keeps nothing, not even a partial file', async () => {
    const key = newKey();
    const signed = await driver.signedPut(key, { contentType: 'text/plain', size: 1000, expiresInSeconds: 60 });
    const { port } = new URL(t.baseUrl);
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: signed.url,
        headers: { 'content-type': 'text/plain', 'content-length': 1000 },
      });
      request.on('error', () => resolve());
      request.write(Buffer.alloc(400, 1), () => setTimeout(() => request.destroy(), 100));
      request.on('close', () => resolve());
    });
    for (let attempt = 0; attempt < 20 && (await partialFiles()).length > 0; attempt++) await sleep(50);
    expect(await partialFiles()).toEqual([]);
    expect(await driver.head(key)).toBeNull();
  });

  it('is a 400 BAD_REQUEST to the driver, not an unexpected error', async () => {
    const body = new PassThrough();
    const receiving = (driver as LocalStorageDriver).receive(newKey(), body, 1000);
    body.write(Buffer.alloc(10));
    setTimeout(() => body.destroy(), 20);
    await expect(receiving).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await partialFiles()).toEqual([]);
  });
});

describe('paths that try to leave the storage directory', () => {
  it.each([
    '/api/v1/storage/uploads/..%2F..%2F..%2Fetc%2Fpasswd',
    '/api/v1/storage/..%2F..%2Fescape/00000000-0000-0000-0000-000000000000',
    '/api/v1/storage/uploads%2F..%2F..%2Fescape/00000000-0000-0000-0000-000000000000',
    '/api/v1/storage/uploads/../../escape',
    '/api/v1/storage/uploads/..',
    '/api/v1/storage/UPLOADS/00000000-0000-0000-0000-000000000000',
    '/api/v1/storage/uploads/00000000-0000-0000-0000-00000000000G',
    '/api/v1/storage/uploads/00000000-0000-0000-0000-000000000000%00',
    '/api/v1/storage/uploads/00000000-0000-0000-0000-000000000000/extra',
    '/api/v1/storage/.partial/00000000-0000-0000-0000-000000000000',
  ])('%s is answered 4xx and writes nothing outside', async (path) => {
    const query = '?op=put&exp=9999999999&size=3&type=text%2Fplain&sig=' + '0'.repeat(64);
    for (const method of ['PUT', 'GET']) {
      const response = await rawRequest(
        method,
        `${path}${query}`,
        method === 'PUT' ? { 'content-type': 'text/plain', 'content-length': 3 } : {},
        method === 'PUT' ? Buffer.from('bad') : undefined,
      );
      expect([400, 403, 404]).toContain(response.status);
    }
    expect((await readdir(outside)).filter((name) => name !== 'uploads')).toEqual([]);
  });

  it('the driver itself refuses any key that is not <kind>/<uuid>', async () => {
    for (const key of [
      '../etc/passwd',
      'uploads/../../x',
      'uploads/x',
      '/abs/path',
      'uploads/' + randomUUID() + '/x',
    ]) {
      await expect(driver.head(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(driver.write(key, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(driver.signedPut(key, { contentType: 'text/plain', size: 1, expiresInSeconds: 60 })).rejects.toThrow(
        InvalidStorageKeyError,
      );
    }
  });
});

describe('the routes as the rest of the API sees them', () => {
  it('leaves the JSON parsing of other routes as it was', async () => {
    const response = await t.request('POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'application/x-streamed-body' },
      body: 'x',
    });
    expect(response.status).toBe(415);
    const malformed = await t.request('POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.json().code).toBe('MALFORMED_JSON');
  });

  it('documents both routes as public in the OpenAPI document', async () => {
    const document = (await t.request('GET', '/docs-json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(document.paths['/api/v1/storage/{kind}/{id}'])).toEqual(expect.arrayContaining(['put', 'get']));
  });
});
