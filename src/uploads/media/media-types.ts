import { supportedMimeTypes } from 'file-type';

/**
 * The one name each sniffed type is stored and compared under. file-type names a few types by an
 * unregistered or parameterised name (`audio/x-m4a`, `audio/ogg; codecs=opus`); a client declares
 * the registered essence, so the comparison is between the same spellings.
 */
const REGISTERED_NAME: Readonly<Record<string, string>> = { 'audio/x-m4a': 'audio/mp4' };

/** `Type/Sub; param=x` to `type/sub`: parameters never decide what a file is. */
export const mimeEssence = (mimeType: string): string => mimeType.split(';')[0].trim().toLowerCase();

/** The canonical name of a type file-type reported. */
export const canonicalMimeType = (sniffed: string): string => {
  const essence = mimeEssence(sniffed);
  return REGISTERED_NAME[essence] ?? essence;
};

/**
 * Has no magic bytes, so file-type never reports it: accepted by the text rule instead (declared
 * exactly `text/plain`, bytes valid UTF-8 without NUL).
 */
export const PLAIN_TEXT = 'text/plain';

/** Every type an upload can be recognised as: what file-type sniffs, under its canonical name, and plain text. */
export const RECOGNISABLE_TYPES: ReadonlySet<string> = new Set([
  ...[...supportedMimeTypes].map(canonicalMimeType),
  PLAIN_TEXT,
]);

/** The image types that are decoded for their size and a thumbnail; other images are kept as files. */
export const DECODED_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
