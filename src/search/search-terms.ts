import { invalidField } from '#src/common/errors/common.errors.js';
import { codePointLength } from '#src/common/validation/text-length.js';

/** The most words one query may hold: each is one more condition every candidate message is checked against. */
export const SEARCH_MAX_TERMS = 10;

/**
 * What a query asks for, each list ANDed: `substrings` must appear anywhere in the body, `prefixes`
 * must start a word of it. Both are compared after `search_fold` (in SQL), so case, accents and
 * compatibility forms do not matter.
 */
export interface SearchTerms {
  substrings: string[];
  prefixes: string[];
}

/** Scripts written without spaces between words, where a two-character word sits inside a longer run. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const SPACE = /\s+/u;

/**
 * Splits a query into its words. A word of three characters or more is a substring: the trigram
 * index serves it, and it finds whole words and prefixes too. A shorter word matches the start of
 * a word (`ok` finds "okay"), as a substring would find nearly everything; in CJK a two-character
 * word is a substring, as those scripts do not separate words. 400 for a query with fewer than two
 * characters that are not spaces, or more than SEARCH_MAX_TERMS words.
 */
export function searchTerms(q: string): SearchTerms {
  const words = [...new Set(q.split(SPACE).filter((word) => word !== ''))];
  if (words.reduce((sum, word) => sum + codePointLength(word), 0) < 2) {
    throw invalidField('q', 'q must have at least 2 characters that are not spaces');
  }
  if (words.length > SEARCH_MAX_TERMS) {
    throw invalidField('q', `q may have at most ${SEARCH_MAX_TERMS} words`);
  }
  const terms: SearchTerms = { substrings: [], prefixes: [] };
  for (const word of words) {
    const length = codePointLength(word);
    const substring = length >= 3 || (length === 2 && UNSPACED_SCRIPT.test(word));
    (substring ? terms.substrings : terms.prefixes).push(word);
  }
  return terms;
}
