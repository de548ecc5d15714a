import { random } from './layout.mjs';

/**
 * Message bodies for the seed: chat lines built from a vocabulary of a few hundred words drawn with a
 * Zipf-like frequency (the k-th word about 1/k as often as the first, bar the first few), so a search
 * finds common words in most conversations and rare ones in a few. Mostly English, some accented words, and a few lines
 * in Japanese or Chinese, written without spaces. The same lines on every run.
 */

/** Most frequent first: a word's rank decides how often it is drawn. */
const WORDS = `
i you the to a it and is that in we for of be on are this so can just have not do my me with at what
will but your if it's was get there now all know going ok about think i'm up one out like yes don't go
can't see time good how when today then need out here let's got make tomorrow right back them sure maybe
thanks really new call later work week some did should still over more meeting would they could off last
been want also next send tonight before after morning please yeah look night first little lunch put
because team long come thing day sorry take try from done where home great who tell check again which
why very start any find use only around let office nice people doing other talk email said something
sounds okay well food hope free plan give weekend already probably pretty wait left early soon these
many evening late coffee news keep read same while those help love both each leave having almost place
project friday monday question idea fine happy hour minutes running bring open train phone class
thursday everyone whole house small without car ready moment address dinner movie weather meet party
change picture order store half fix number music game between message away city stuff money wrong
enough bad water thought though through room point group problem list cool chat wednesday tuesday doc
sunday saturday break quick cancel flight ticket birthday hotel airport station report update review
deadline slides budget client contract invoice schedule calendar agenda notes draft version release
server bug build deploy test issue branch laptop screen password account link file photo video
summer winter spring autumn holiday beach mountain river garden kitchen bread cheese dessert pizza
noodles soup salad breakfast market bakery museum library concert festival parking traffic bus taxi
bike ride walk run gym yoga football tennis match score season episode series book chapter author
guitar piano song album dance paint camera battery charger cable printer desk chair window door key
umbrella jacket shoes bag wallet glasses watch gift card letter package delivery receipt refund
discount price cheap expensive favourite recipe oven dishes laundry groceries neighbour dentist doctor
appointment medicine headache sleep tired awake busy quiet noisy weird funny honest serious simple
difficult possible impossible exactly definitely actually basically literally honestly seriously
obviously anyway somewhere somehow whatever meanwhile otherwise tonight's yesterday's everything
nothing someone anybody nobody downtown upstairs downstairs outside inside nearby straight corner
bridge harbour island village castle tower temple palace forest desert valley lake ocean storm
thunder lightning rainbow sunset sunrise shadow silver golden purple orange yellow violet crimson
emerald marble velvet copper bronze feather lantern compass anchor harvest orchard meadow glacier
canyon volcano lagoon
`;

/** Accented words, each put at a rank in the list above (from the middle of it to its end). */
const ACCENTED = [
  ['café', 60],
  ['résumé', 140],
  ['naïve', 170],
  ['déjà', 200],
  ['vu', 201],
  ['crème', 230],
  ['brûlée', 231],
  ['jalapeño', 260],
  ['fiancée', 280],
  ['façade', 300],
  ['über', 320],
  ['señor', 340],
  ['piñata', 360],
  ['entrée', 380],
  ['rosé', 400],
  ['soufflé', 420],
  ['São', 440],
  ['Paulo', 441],
  ['Zürich', 460],
  ['Montréal', 480],
  ['Málaga', 500],
];

export const VOCABULARY = (() => {
  const words = [...new Set(WORDS.trim().split(/\s+/))];
  for (const [word, rank] of [...ACCENTED].sort((x, y) => x[1] - y[1])) words.splice(rank, 0, word);
  return words;
})();

/** Lines in scripts written without spaces: a sentence pattern filled with a place, a thing or a time. */
const CJK = {
  places: ['東京タワー', '京都', '大阪', '北海道', '渋谷', '新宿', '上海', '北京', '香港', '台北', '東京駅', '富士山'],
  things: ['ラーメン', '寿司', 'カレー', '天ぷら', 'お弁当', '火锅', '饺子', '包子', '珍珠奶茶', '抹茶', 'ケーキ'],
  times: ['明日', '今日', '来週', '週末', '明天', '今天', '下周', '周末', '今晚', '午後'],
  patterns: [
    (p) => `${p.places}に行きました`,
    (p) => `${p.times}は${p.places}で${p.things}を食べます`,
    (p) => `${p.times}の会議は${p.places}でやりましょう`,
    (p) => `${p.things}がとても美味しかったです！`,
    (p) => `${p.times}、${p.places}の天気はどうですか？`,
    (p) => `写真を送りました、${p.places}はきれいでした`,
    (p) => `${p.times}我们去${p.places}吃${p.things}吧`,
    (p) => `${p.times}的会议改到下午三点了`,
    (p) => `我在${p.places}，${p.things}很好吃`,
    (p) => `谢谢你！${p.times}见`,
  ],
};

/** Of every hundred lines, about this many are Japanese or Chinese. */
const CJK_SHARE = 0.04;
/** Zipf–Mandelbrot weights, 1 / (rank + ZIPF_Q) ** ZIPF_S: the offset keeps the top few words from taking over. */
const ZIPF_S = 1;
const ZIPF_Q = 2.7;

/** The cumulative Zipf weights of the vocabulary, for drawing a word by binary search. */
const CUMULATIVE = (() => {
  let sum = 0;
  const cumulative = VOCABULARY.map((_, rank) => (sum += 1 / (rank + 1 + ZIPF_Q) ** ZIPF_S));
  return cumulative.map((value) => value / sum);
})();

function drawWord(next) {
  const u = next();
  let low = 0;
  let high = CUMULATIVE.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (CUMULATIVE[middle] < u) low = middle + 1;
    else high = middle;
  }
  return VOCABULARY[low];
}

const pick = (list, next) => list[Math.floor(next() * list.length)];

function cjkLine(next) {
  const fill = { places: pick(CJK.places, next), things: pick(CJK.things, next), times: pick(CJK.times, next) };
  return pick(CJK.patterns, next)(fill);
}

/** One English line of 20–120 characters (about 70 on average), capitalised, sometimes punctuated. */
function englishLine(next) {
  const target = 20 + Math.floor(next() * 100);
  const words = [];
  let length = -1;
  while (length < target) {
    const word = drawWord(next);
    words.push(word);
    length += word.length + 1;
    if (words.length > 3 && next() < 0.06) words[words.length - 1] += ',';
  }
  words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
  const end = next();
  const last = words[words.length - 1].replace(/,$/, '');
  words[words.length - 1] = last + (end < 0.15 ? '?' : end < 0.25 ? '!' : end < 0.45 ? '.' : '');
  return words
    .join(' ')
    .replace(/\bi\b/g, 'I')
    .replace(/\bi'm\b/g, "I'm");
}

/** `count` bodies, the n-th always the same for the same n and count. */
export function messageBodies(count, seed = 20261201) {
  const next = random(seed);
  return Array.from({ length: count }, () => (next() < CJK_SHARE ? cjkLine(next) : englishLine(next)));
}
