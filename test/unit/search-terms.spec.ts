import { AppError } from '#src/common/errors/app-error.js';
import { SEARCH_MAX_TERMS, searchTerms } from '#src/search/search-terms.js';

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

  it('counts characters as code points: a three-emoji word is a substring, two are a prefix', () => {
    expect(searchTerms('🙂🙂🙂 🎉🎉')).toEqual({ substrings: ['🙂🙂🙂'], prefixes: ['🎉🎉'] });
  });

  it('makes two CJK characters a substring, as those scripts do not separate words', () => {
    expect(searchTerms('東京 中文 한국 タワ')).toEqual({ substrings: ['東京', '中文', '한국', 'タワ'], prefixes: [] });
    expect(searchTerms('東 x')).toEqual({ substrings: [], prefixes: ['東', 'x'] });
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
});
