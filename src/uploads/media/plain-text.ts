/**
 * Whether `bytes` read as text: valid UTF-8 without NUL. `complete` is false when they are only the
 * start of the file, which may end in the middle of a character: only a sequence broken before the
 * end is then invalid. A BOM is allowed (editors on Windows write one).
 */
export function isPlainText(bytes: Uint8Array, complete: boolean): boolean {
  if (bytes.includes(0)) return false;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    // `stream` holds back an unfinished last character instead of failing on it.
    decoder.decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}
