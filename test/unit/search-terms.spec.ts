import { AppError } from '#src/common/errors/app-error.js';
import {
  isEmpty,
  PREFIX_SCAN_MAX_MESSAGES,
  prefixMatch,
  prefixQuery,
  SEARCH_MAX_TERMS,
  searchTerms,
} from '#src/search/search-terms.js';

const refusal = (q: string) => {
  try {
    searchTerms(q);
  } catch (error) {
    return error instanceof AppError ? { status: error.status, details: error.details } : error;
  }
  return 'accepted';
};

describe('how a search query becomes terms', () => {
  it('makes words of three characters or more substrings, and shorter ones word prefixes', () => {
    expect(searchTerms('report ok q4 budget')).toEqual({ substrings: ['report', 'budget'], prefixes: ['ok', 'q4'] });
  });

  it('counts characters as code points: three emoji are a substring, two are no word (as in a body)', () => {
    expect(searchTerms('🙂🙂🙂 🎉🎉')).toEqual({ substrings: ['🙂🙂🙂'], prefixes: [] });
  });

  it('makes two CJK characters a substring, as those scripts do not separate words', () => {
    expect(searchTerms('東京 中文 한국 タワ')).toEqual({ substrings: ['東京', '中文', '한국', 'タワ'], prefixes: [] });
    expect(searchTerms('東 x')).toEqual({ substrings: [], prefixes: ['東', 'x'] });
  });

  it('measures a word once folded: combining marks add no length, compatibility forms may add some', () => {
    expect(searchTerms('e\u0301\u0301 cafe\u0301')).toEqual({
      substrings: ['cafe\u0301'],
      prefixes: ['e\u0301\u0301'],
    });
    expect(searchTerms('\ufb01x ok')).toEqual({ substrings: ['\ufb01x'], prefixes: ['ok'] });
  });

  it('leaves out words that fold to nothing and short words of punctuation only', () => {
    expect(searchTerms('\u0301\u0301\u0301 okay !')).toEqual({ substrings: ['okay'], prefixes: [] });
    expect(searchTerms("'; DROP TABLE messages; --")).toEqual({
      substrings: ['DROP', 'TABLE', 'messages;'],
      prefixes: [],
    });
    for (const q of ['!!', '\u0301\u0301\u0301', '?? !! --']) expect(isEmpty(searchTerms(q))).toBe(true);
    expect(isEmpty(searchTerms('q4'))).toBe(false);
  });

  it('splits on any whitespace, ideographic space included, and drops repeated words', () => {
    expect(searchTerms('  alpha\tbeta\u3000alpha\n beta ')).toEqual({ substrings: ['alpha', 'beta'], prefixes: [] });
  });

  it('refuses fewer than two characters that are not spaces', () => {
    for (const q of ['  ', 'a ', ' a ', '\u3000\u3000', '\t\n']) {
      expect(refusal(q)).toEqual({
        status: 400,
        details: [{ field: 'q', message: 'q must have at least 2 characters that are not spaces' }],
      });
    }
    expect(searchTerms('a b')).toEqual({ substrings: [], prefixes: ['a', 'b'] });
  });

  it(`refuses more than ${SEARCH_MAX_TERMS} distinct words`, () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}x`).join(' ');
    expect(searchTerms(words(SEARCH_MAX_TERMS)).substrings).toHaveLength(SEARCH_MAX_TERMS);
    expect(refusal(words(SEARCH_MAX_TERMS + 1))).toEqual({
      status: 400,
      details: [{ field: 'q', message: `q may have at most ${SEARCH_MAX_TERMS} words` }],
    });
    // The same word repeated is one word.
    expect(searchTerms(Array(30).fill('same').join(' ')).substrings).toEqual(['same']);
  });

  it('asks for every prefix in a tsquery, each lexeme quoted whole', () => {
    expect(prefixQuery(['ok', 'q4'])).toBe("'ok':* & 'q4':*");
    expect(prefixQuery(["it's", 'a\\b', 'x:*|!y'])).toBe("'it''s':* & 'a\\\\b':* & 'x:*|!y':*");
  });

  it("checks prefixes against the caller's own messages up to a bound, and uses the word index past it", () => {
    expect([0, 1_150, PREFIX_SCAN_MAX_MESSAGES].map(prefixMatch)).toEqual(['scan', 'scan', 'scan']);
    expect([PREFIX_SCAN_MAX_MESSAGES + 1, 5_000_000].map(prefixMatch)).toEqual(['index', 'index']);
  });
});
