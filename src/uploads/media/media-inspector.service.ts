import { Injectable } from '@nestjs/common';
import { fileTypeFromBuffer } from 'file-type';
import { configSlice } from '#src/infra/config/config-slice.js';
import { isAllowedType } from './allowed-types.js';
import { probeImage } from './image-probe.js';
import type { DeclaredMedia, Inspection } from './inspection.js';
import { IMAGE_MAX_BYTES } from './media-limits.js';
import { canonicalMimeType, DECODED_IMAGE_TYPES, mimeEssence, PLAIN_TEXT } from './media-types.js';
import { isPlainText } from './plain-text.js';

export class MediaInspectorSettings extends configSlice('UPLOAD_ALLOWED_TYPES') {}

const refuse = (reason: string): Inspection => ({ ok: false, reason });

/**
 * Decides what an uploaded file really is, from its bytes, never from what the client said: a
 * type is accepted only when it is the declared one and allowed, so a file is never served as
 * something it is not (an HTML page as an image). Decoded images also get their size and a thumbnail.
 */
@Injectable()
export class MediaInspector {
  constructor(private readonly settings: MediaInspectorSettings) {}

  /**
   * `bytes` is the start of the object (`SNIFF_BYTES`), or all of it, which a decoded image needs:
   * read `bytesToRead(declared)`. Resolves with a refusal, never rejects, for any content.
   */
  async inspect(bytes: Buffer, declared: DeclaredMedia): Promise<Inspection> {
    if (bytes.length > declared.size) return refuse('the file is larger than its declared size');
    const claimed = mimeEssence(declared.mimeType);
    const complete = bytes.length === declared.size;
    const sniffed = await this.sniff(bytes);

    if (sniffed === undefined) {
      // Plain text has no signature: only exactly `text/plain` passes, and only when the bytes read as text.
      if (declared.mimeType.trim().toLowerCase() !== PLAIN_TEXT) return refuse('the file type is not recognised');
      if (!isPlainText(bytes, complete)) return refuse('the file is not UTF-8 text');
      return this.refusalUnlessAllowed(PLAIN_TEXT) ?? { ok: true, mimeType: PLAIN_TEXT };
    }

    const mimeType = canonicalMimeType(sniffed);
    if (mimeType !== claimed) return refuse(`the file is ${mimeType}, not ${claimed}`);
    const notAllowed = this.refusalUnlessAllowed(mimeType);
    if (notAllowed) return notAllowed;
    if (!DECODED_IMAGE_TYPES.has(mimeType)) return { ok: true, mimeType };

    if (declared.size > IMAGE_MAX_BYTES) return refuse(`images may be at most ${IMAGE_MAX_BYTES} bytes`);
    if (!complete) return refuse('the image is incomplete');
    const image = await probeImage(bytes);
    if ('unusable' in image) return refuse(image.unusable);
    return { ok: true, mimeType, ...image };
  }

  /** Whether uploads of this declared type are accepted at all (UPLOAD_ALLOWED_TYPES): asked before any byte is sent. */
  allows(mimeType: string): boolean {
    return isAllowedType(this.settings.UPLOAD_ALLOWED_TYPES, mimeEssence(mimeType));
  }

  /** file-type's answer; a parser failure on hostile bytes counts as unrecognised, not as an error. */
  private async sniff(bytes: Buffer): Promise<string | undefined> {
    try {
      return (await fileTypeFromBuffer(bytes))?.mime;
    } catch {
      return undefined;
    }
  }

  /** A refusal when `mimeType` is not in UPLOAD_ALLOWED_TYPES, otherwise null. */
  private refusalUnlessAllowed(mimeType: string): Inspection | null {
    return isAllowedType(this.settings.UPLOAD_ALLOWED_TYPES, mimeType)
      ? null
      : refuse(`${mimeType} files are not allowed`);
  }
}
