/** Raster images a browser shows in place; anything else (SVG, HTML, PDF, …) is only ever downloaded. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

/** RFC 8187 `ext-value` characters: what encodeURIComponent leaves, less `'()*`. */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A plain ASCII stand-in for clients that do not read `filename*`. */
const asciiFallback = (value: string) => value.replace(/[^\x20-\x7e]|["\\%]/g, '_').slice(0, 200) || 'download';

/**
 * The `Content-Disposition` of a download: `inline` for raster images (they are shown, not run),
 * `attachment` for every other type, with the name as RFC 6266 `filename` and `filename*`.
 */
export function contentDisposition(contentType: string, fileName: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const disposition = INLINE_TYPES.has(type) ? 'inline' : 'attachment';
  const name = fileName.replace(/[\r\n]/g, ' ');
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
