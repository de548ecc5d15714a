/**
 * Every Redis key is built here, as `<area>:<entity>:<id>[:<sub>]`, so the namespace stays
 * consistent and a key can never be forged from user input: each segment is checked to hold no
 * separator, glob character, hash-tag brace or whitespace.
 */
const SEGMENT = /^[A-Za-z0-9_.@-]{1,128}$/;

function segment(value: string | number, role: string): string {
  const text = String(value);
  if (!SEGMENT.test(text)) throw new Error(`invalid Redis key ${role}: ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

export function redisKey(area: string, entity: string, id: string | number, sub?: string): string {
  const parts = [segment(area, 'area'), segment(entity, 'entity'), segment(id, 'id')];
  if (sub !== undefined) parts.push(segment(sub, 'sub-key'));
  return parts.join(':');
}

/** A SCAN `MATCH` pattern for every key of one area and entity (never used with `KEYS`). */
export function redisKeyPattern(area: string, entity: string): string {
  return `${segment(area, 'area')}:${segment(entity, 'entity')}:*`;
}
