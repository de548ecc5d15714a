import { DECODED_IMAGE_TYPES, mimeEssence } from './media-types.js';

/**
 * How many leading bytes are enough to sniff a type: file-type's own detection window. The caller
 * reads this much of an object that is not an image (a 25 MiB video is judged by its start).
 */
export const SNIFF_BYTES = 4100;

/**
 * Largest image decoded for its size and thumbnail (the uploads' default maximum, 25 MiB). A
 * thumbnail needs the whole file, so for an image the caller reads the whole object: see `bytesToRead`.
 */
export const IMAGE_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Most pixels an image may have (100 megapixels, e.g. 10000 x 10000). A few kilobytes of PNG can
 * claim a huge canvas that would take gigabytes to decode: such a decompression bomb is refused
 * from its header, before any decoding.
 */
export const IMAGE_MAX_PIXELS = 100_000_000;

/** Longer side of a thumbnail, in pixels; smaller images keep their size. */
export const THUMBNAIL_MAX_SIDE = 320;

/** What thumbnails are encoded as. */
export const THUMBNAIL_MIME_TYPE = 'image/webp';

/**
 * How much of an object the caller reads for `MediaInspector.inspect`: all of a declared image
 * (for its thumbnail), the first `SNIFF_BYTES` of anything else. The declared type decides, as the
 * inspection refuses an image declared as something else anyway.
 */
export function bytesToRead(declared: { mimeType: string; size: number }): number {
  if (DECODED_IMAGE_TYPES.has(mimeEssence(declared.mimeType))) return Math.min(declared.size, IMAGE_MAX_BYTES);
  return Math.min(declared.size, SNIFF_BYTES);
}
