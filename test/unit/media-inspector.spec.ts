import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { DEFAULT_ALLOWED_TYPES, parseAllowedTypes } from '#src/uploads/media/allowed-types.js';
import type { Inspection } from '#src/uploads/media/inspection.js';
import { MediaInspector, MediaInspectorSettings } from '#src/uploads/media/media-inspector.service.js';
import { bytesToRead, IMAGE_MAX_BYTES, SNIFF_BYTES } from '#src/uploads/media/media-limits.js';
import { settingsSlice } from '../support/unit/test-service.js';

const inspector = (allowed: readonly string[] = DEFAULT_ALLOWED_TYPES) =>
  new MediaInspector(settingsSlice(MediaInspectorSettings, { UPLOAD_ALLOWED_TYPES: allowed }));

const canvas = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 1 } } });

/** Inspects the whole buffer, as declared. */
const inspect = (bytes: Buffer, mimeType: string, allowed?: readonly string[]) =>
  inspector(allowed).inspect(bytes, { mimeType, size: bytes.length });

/** The thumbnail's metadata; fails the test when there is none. */
const thumbnailOf = (result: Inspection) => {
  if (!result.ok || !result.thumbnail) throw new Error(`expected a thumbnail, got ${JSON.stringify(result)}`);
  return sharp(result.thumbnail).metadata();
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

describe('MediaInspector', () => {
  let png: Buffer;
  let wide: Buffer;
  beforeAll(async () => {
    png = await canvas(640, 480).png().toBuffer();
    wide = await canvas(100, 50).png().toBuffer();
  });

  it('accepts a PNG with its size and a WebP thumbnail of at most 320 px, aspect kept', async () => {
    const result = await inspect(png, 'image/png');
    expect(result).toMatchObject({ ok: true, mimeType: 'image/png', width: 640, height: 480 });
    const thumbnail = await thumbnailOf(result);
    expect(thumbnail).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('never enlarges a small image', async () => {
    const result = await inspect(wide, 'image/png');
    expect(result).toMatchObject({ ok: true, width: 100, height: 50 });
    expect(await thumbnailOf(result)).toMatchObject({ width: 100, height: 50 });
  });

  it('reports a JPEG with EXIF orientation 6 as portrait, and thumbnails it upright without its EXIF', async () => {
    const jpeg = await canvas(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const result = await inspect(jpeg, 'image/jpeg');
    expect(result).toMatchObject({ ok: true, mimeType: 'image/jpeg', width: 200, height: 400 });
    const thumbnail = await thumbnailOf(result);
    expect(thumbnail).toMatchObject({ width: 160, height: 320 });
    expect(thumbnail.exif).toBeUndefined();
    expect(thumbnail.orientation).toBeUndefined();
  });

  it('accepts a WebP and a GIF, with their sizes', async () => {
    const webp = await canvas(50, 80).webp().toBuffer();
    const gif = await canvas(30, 20).gif().toBuffer();
    expect(await inspect(webp, 'image/webp')).toMatchObject({
      ok: true,
      mimeType: 'image/webp',
      width: 50,
      height: 80,
    });
    expect(await inspect(gif, 'image/gif')).toMatchObject({ ok: true, mimeType: 'image/gif', width: 30, height: 20 });
  });

  it('reports one frame of an animated GIF', async () => {
    const frames = await Promise.all(
      [60, 120, 180, 240].map((red) =>
        sharp({ create: { width: 30, height: 20, channels: 3, background: { r: red, g: 0, b: 0 } } })
          .png()
          .toBuffer(),
      ),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(4);
    expect(await inspect(animated, 'image/gif')).toMatchObject({ ok: true, width: 30, height: 20 });
  });

  it('refuses a type other than the declared one', async () => {
    expect(await inspect(png, 'image/jpeg')).toEqual({ ok: false, reason: 'the file is image/png, not image/jpeg' });
    expect(await inspect(Buffer.from('just some text\n'), 'image/png')).toEqual({
      ok: false,
      reason: 'the file type is not recognised',
    });
  });

  it('takes only the canonical name, in any case, with parameters ignored', async () => {
    const jpeg = await canvas(10, 10).jpeg().toBuffer();
    expect(await inspect(jpeg, 'image/jpg')).toMatchObject({
      ok: false,
      reason: 'the file is image/jpeg, not image/jpg',
    });
    expect(await inspect(jpeg, 'Image/JPEG')).toMatchObject({ ok: true, mimeType: 'image/jpeg' });
    expect(await inspect(PDF, 'application/pdf; x=1')).toMatchObject({ ok: true, mimeType: 'application/pdf' });
  });

  it('accepts a PDF when allowed, refuses it when not', async () => {
    expect(await inspect(PDF, 'application/pdf')).toEqual({ ok: true, mimeType: 'application/pdf' });
    expect(await inspect(PDF, 'application/pdf', ['image/*'])).toEqual({
      ok: false,
      reason: 'application/pdf files are not allowed',
    });
  });

  it('refuses a recognised type outside UPLOAD_ALLOWED_TYPES', async () => {
    const tiff = await canvas(10, 10).tiff().toBuffer();
    expect(await inspect(tiff, 'image/tiff')).toEqual({ ok: false, reason: 'image/tiff files are not allowed' });
  });

  it('lets a type/* wildcard allow every subtype, and keeps undecoded images as plain files', async () => {
    const tiff = await canvas(10, 10).tiff().toBuffer();
    expect(await inspect(png, 'image/png', ['image/*'])).toMatchObject({ ok: true, width: 640 });
    expect(await inspect(tiff, 'image/tiff', ['image/*'])).toEqual({ ok: true, mimeType: 'image/tiff' });
    expect(await inspect(png, 'image/png', ['video/*'])).toMatchObject({ ok: false });
  });

  it('refuses a truncated or corrupt image without throwing', async () => {
    const truncated = png.subarray(0, png.length - 40);
    expect(await inspect(truncated, 'image/png')).toEqual({ ok: false, reason: 'the image is corrupt or unreadable' });
    const header = png.subarray(0, 40);
    expect(await inspect(header, 'image/png')).toEqual({ ok: false, reason: 'the image is corrupt or unreadable' });
  });

  it('refuses an image whose header claims more than 100 megapixels, before decoding it', async () => {
    // A real 1x1 PNG whose header is rewritten to claim 20000 x 20000 (400 megapixels), CRC fixed.
    const bomb = Buffer.from(await canvas(1, 1).png().toBuffer());
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    expect(await inspect(bomb, 'image/png')).toEqual({ ok: false, reason: 'the image is larger than 100 megapixels' });
  });

  it('wants all of an image, and no more bytes than declared', async () => {
    const start = png.subarray(0, SNIFF_BYTES);
    expect(await inspector().inspect(start, { mimeType: 'image/png', size: png.length })).toEqual({
      ok: false,
      reason: 'the image is incomplete',
    });
    expect(await inspector().inspect(png, { mimeType: 'image/png', size: 10 })).toMatchObject({ ok: false });
    expect(await inspector().inspect(start, { mimeType: 'image/png', size: IMAGE_MAX_BYTES + 1 })).toEqual({
      ok: false,
      reason: `images may be at most ${IMAGE_MAX_BYTES} bytes`,
    });
  });

  it('judges anything else by its first bytes', async () => {
    const pdf = Buffer.concat([PDF, Buffer.alloc(100_000, 0x20)]);
    expect(
      await inspector().inspect(pdf.subarray(0, SNIFF_BYTES), { mimeType: 'application/pdf', size: pdf.length }),
    ).toEqual({ ok: true, mimeType: 'application/pdf' });
  });

  it('accepts UTF-8 text declared exactly text/plain, and refuses NUL bytes and invalid UTF-8', async () => {
    const text = Buffer.from('Grüße, 世界 👋\n');
    expect(await inspect(text, 'text/plain')).toEqual({ ok: true, mimeType: 'text/plain' });
    expect(await inspect(Buffer.from('a\0b'), 'text/plain')).toEqual({
      ok: false,
      reason: 'the file is not UTF-8 text',
    });
    expect(await inspect(Buffer.from([0x61, 0xff, 0x62]), 'text/plain')).toMatchObject({ ok: false });
    expect(await inspect(text, 'text/markdown')).toEqual({ ok: false, reason: 'the file type is not recognised' });
    expect(await inspect(text, 'text/plain', ['image/*'])).toEqual({
      ok: false,
      reason: 'text/plain files are not allowed',
    });
  });

  it('accepts text cut in the middle of a character when only its start was read', async () => {
    const text = Buffer.from('é'.repeat(3000));
    const start = text.subarray(0, SNIFF_BYTES - 1);
    expect(start.length % 2).toBe(1);
    expect(await inspector().inspect(start, { mimeType: 'text/plain', size: text.length })).toMatchObject({ ok: true });
    expect(await inspect(start, 'text/plain')).toMatchObject({ ok: false });
  });
});

describe('bytesToRead', () => {
  it('is the whole of a declared image, and the sniffing window of anything else', () => {
    expect(bytesToRead({ mimeType: 'image/png', size: 1_000_000 })).toBe(1_000_000);
    expect(bytesToRead({ mimeType: 'image/png', size: IMAGE_MAX_BYTES * 2 })).toBe(IMAGE_MAX_BYTES);
    expect(bytesToRead({ mimeType: 'video/mp4', size: 1_000_000 })).toBe(SNIFF_BYTES);
    expect(bytesToRead({ mimeType: 'text/plain', size: 12 })).toBe(12);
  });
});

describe('UPLOAD_ALLOWED_TYPES', () => {
  it('defaults to the chat set', () => {
    expect(validateEnv({}).UPLOAD_ALLOWED_TYPES).toEqual(DEFAULT_ALLOWED_TYPES);
    expect(DEFAULT_ALLOWED_TYPES).toContain('text/plain');
  });

  it('reads types and wildcards, in any case and spacing', () => {
    expect(
      validateEnv({ UPLOAD_ALLOWED_TYPES: ' Image/* , application/pdf,image/png,image/png' }).UPLOAD_ALLOWED_TYPES,
    ).toEqual(['image/*', 'application/pdf', 'image/png']);
  });

  it.each([
    ['image/jpg', '"image/jpg", which the server cannot recognise from a file\'s bytes'],
    ['image/png,,video/mp4', 'an empty entry'],
    ['*/*', '"*/*", which is neither type/subtype nor type/*'],
    ['png', '"png", which is neither type/subtype nor type/*'],
    ['nothing/*', '"nothing/*", but no type the server recognises is under nothing/'],
  ])('stops the start on %s', (value, reason) => {
    expect(() => validateEnv({ UPLOAD_ALLOWED_TYPES: value })).toThrow(
      'UPLOAD_ALLOWED_TYPES must be a comma-separated list of MIME types or type/* wildcards: it has ' + reason,
    );
  });

  it('parses to the entries or the reason', () => {
    expect(parseAllowedTypes('audio/mp4')).toEqual(['audio/mp4']);
    expect(parseAllowedTypes('audio/x-m4a')).toHaveProperty('unreadable');
  });
});
