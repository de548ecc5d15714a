import sharp from 'sharp';
import { IMAGE_MAX_PIXELS, THUMBNAIL_MAX_SIDE } from './media-limits.js';

/** A decoded image: its size as displayed (after EXIF orientation) and its WebP thumbnail. */
export interface ProbedImage {
  width: number;
  height: number;
  thumbnail: Buffer;
}

/** An image sharp cannot or may not decode, with the reason a client is told. */
export interface UnusableImage {
  unusable: string;
}

/** A slow decode (a crafted file) gives up rather than hold a worker thread. */
const DECODE_TIMEOUT_SECONDS = 10;

/**
 * Reads an image's header, then decodes its first frame into a thumbnail. Never throws: a file
 * sharp cannot read is an `UnusableImage`. Only the header is read before the pixel limit is
 * checked; the decode gets the limit as well, so a header cannot understate what is decoded.
 */
export async function probeImage(bytes: Buffer): Promise<ProbedImage | UnusableImage> {
  try {
    // `limitInputPixels: false` here only so that an oversized image gets its own reason: metadata decodes no pixels.
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    // `autoOrient` is the size as shown: a portrait photo stored landscape with EXIF orientation 6.
    // Without `animated`, sharp opens the first frame only, so this is one frame of a GIF or WebP.
    const { width, height } = metadata.autoOrient;
    if (!width || !height) return { unusable: 'the image has no size' };
    if (width * height > IMAGE_MAX_PIXELS) {
      return { unusable: `the image is larger than ${IMAGE_MAX_PIXELS / 1_000_000} megapixels` };
    }
    const thumbnail = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS })
      .timeout({ seconds: DECODE_TIMEOUT_SECONDS })
      .autoOrient()
      .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      // No `withMetadata`/`keepMetadata`: EXIF (GPS position, camera) and XMP are left out of the thumbnail.
      .webp({ quality: 75 })
      .toBuffer();
    return { width, height, thumbnail };
  } catch {
    // sharp's messages name libvips internals; the client is told only that the image is unreadable.
    return { unusable: 'the image is corrupt or unreadable' };
  }
}
