import { clipCodePoints } from '#src/common/validation/text-length.js';

/** The length of `users.display_name_search`, and of the longest prefix a search uses. */
const SEARCH_KEY_MAX_LENGTH = 64;

/**
 * What prefix search compares: the text lower-cased, cut to the column's length. Lower-casing can
 * lengthen text ("İ" becomes "i" and a combining dot), so a 64-character name or query may give
 * more than 64; names and queries are cut the same way, so a prefix still finds its name.
 */
export const searchKey = (text: string): string => clipCodePoints(text.toLowerCase(), SEARCH_KEY_MAX_LENGTH);

/** A `LIKE` pattern matching what starts with `prefix`: `%`, `_` and `\` (LIKE's wildcards and escape) match themselves. */
export const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
