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
const COMBINING_MARKS = /[\u0300-\u036f]/gu;
/** What the `simple` parser makes words of: a short word without any is punctuation, and no word. */
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * A word as `search_fold` (in the message_search migration) makes it: NFKD, combining marks
 * dropped, lower case. Only its length and its characters are read here; SQL folds the word
 * itself, with the function that folded the bodies.
 */
const folded = (word: string) => word.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();

/**
 * Splits a query into its words. A word of three characters or more is a substring: the trigram
 * index serves it, and it finds whole words and prefixes too. A shorter word matches the start of
 * a word (`ok` finds "okay"), as a substring would find nearly everything; in CJK a two-character
 * word is a substring, as those scripts do not separate words. Lengths are those of the folded
 * word, which is what is compared: `e` + two combining accents is the one-letter word `e`. Words
 * that fold to nothing, and short ones of punctuation only, are left out: they would match
 * everything, or nothing. 400 for a query with fewer than two characters that are not spaces, or
 * more than SEARCH_MAX_TERMS words.
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
    const fold = folded(word);
    const length = codePointLength(fold);
    if (length >= 3 || (length === 2 && UNSPACED_SCRIPT.test(fold))) terms.substrings.push(word);
    else if (WORD_CHARACTER.test(fold)) terms.prefixes.push(word);
  }
  return terms;
}

/** A query left with no word to look for finds nothing (rather than every message). */
export const isEmpty = (terms: SearchTerms) => terms.substrings.length === 0 && terms.prefixes.length === 0;

/**
 * `'a':* & 'b':*` for the lexemes PostgreSQL made of the prefix words: every one must start a word.
 * Quoted for tsquery syntax, so a lexeme is taken whole whatever it holds.
 */
export const prefixQuery = (lexemes: string[]): string =>
  lexemes.map((lexeme) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');

/**
 * Up to this many visible messages, prefix words are checked against each of the caller's messages
 * rather than looked up in the word index. A one- or two-letter prefix starts words in a large
 * share of everyone's messages (`mo`: one in eight), so its index entries outnumber a typical
 * user's messages many times over, and the planner misjudges by how much: at 100,000 messages it
 * read 12,600 entries (10 ms) where the caller's 1,150 messages took 1 ms. Reading 20,000 messages
 * costs about 25 ms; past that, the index bounds the work by the matches instead.
 */
export const PREFIX_SCAN_MAX_MESSAGES = 20_000;

/** Prefix words as the search query takes them: a tsquery (`prefixQuery`), and how it is matched (`prefixMatch`). */
export interface PrefixCondition {
  query: string;
  match: 'scan' | 'index';
}

/** How prefix words are matched, given how many messages the caller can see where the search looks. */
export const prefixMatch = (visibleMessages: number): PrefixCondition['match'] =>
  visibleMessages <= PREFIX_SCAN_MAX_MESSAGES ? 'scan' : 'index';
