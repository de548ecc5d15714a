import type { UnreadableSetting } from '#src/push/providers/fcm-service-account.js';
import { RECOGNISABLE_TYPES } from './media-types.js';

/** UPLOAD_ALLOWED_TYPES by default: what a chat shares (pictures, documents, voice notes, clips, text). */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = Object.freeze([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'application/pdf',
  'audio/mpeg',
  'audio/ogg',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'text/plain',
]);

/** RFC 6838 restricted names: `type/subtype`, or `type/*` for every subtype of a top-level type. */
const ENTRY = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126}|\*)$/;

const recognisableUnder = (topLevel: string): boolean =>
  [...RECOGNISABLE_TYPES].some((type) => type.startsWith(`${topLevel}/`));

/** Why one entry cannot be used, or null when it can. */
function entryProblem(entry: string): string | null {
  const match = ENTRY.exec(entry);
  if (!match) return `has "${entry.slice(0, 60)}", which is neither type/subtype nor type/*`;
  const [, topLevel, subtype] = match;
  // An entry no upload can ever match is a typo (image/jpg, image/pgn): stopping beats silently refusing.
  if (subtype === '*') {
    return recognisableUnder(topLevel)
      ? null
      : `has "${entry}", but no type the server recognises is under ${topLevel}/`;
  }
  return RECOGNISABLE_TYPES.has(entry) ? null : `has "${entry}", which the server cannot recognise from a file's bytes`;
}

/**
 * UPLOAD_ALLOWED_TYPES: a comma-separated list of MIME types and `type/*` wildcards, case-insensitive.
 * Returns the entries, lower case and without duplicates, or why the value cannot be used.
 */
export function parseAllowedTypes(value: string): readonly string[] | UnreadableSetting {
  const entries = value.split(',').map((entry) => entry.trim().toLowerCase());
  if (entries.some((entry) => entry === '')) return { unreadable: 'has an empty entry' };
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) return { unreadable: problem };
  }
  return [...new Set(entries)];
}

/** Whether the canonical type `mimeType` is in the parsed list, exactly or under a wildcard. */
export const isAllowedType = (allowed: readonly string[], mimeType: string): boolean =>
  allowed.some((entry) => entry === mimeType || (entry.endsWith('/*') && mimeType.startsWith(entry.slice(0, -1))));
