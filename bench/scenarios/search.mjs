import { startWorker } from '../lib/processes.mjs';
import { measureReads, readTargets } from './reads.mjs';

const WARM_UP_SECONDS = 3;
/** The run with one connection: what one search costs when it does not queue behind others. */
const ALONE_SECONDS = 5;
const PAGE = 20;
/** Requests in flight while the scenario fetches first pages itself (cursors, hit counts). */
const FETCH_CONCURRENCY = 8;
/** Users whose first page of every kind is fetched once, to report how many hits a page holds. */
const SAMPLED_USERS = 100;
/**
 * The read load searches run under: the cached conversation list at this rate over --connections
 * connections (about a third of what one instance serves here), with one connection searching.
 */
const READ_LOAD_PER_SECOND = 1000;

/**
 * The query kinds, each a measured run. The words are from the seed's vocabulary
 * (bench/lib/bodies.mjs): "meeting" is in about 3% of messages (most of a user's conversations
 * have one), "lagoon" in about 0.6%, "ough" inside through, though, thought and enough, 東京 inside
 * 東京タワー and 東京駅 (4% of lines are Japanese or Chinese), "xylophone" in none.
 */
export const SEARCH_KINDS = [
  { key: 'common', label: 'common word', q: 'meeting' },
  { key: 'rare', label: 'rare word', q: 'lagoon' },
  { key: 'prefix', label: '2-char word prefix', q: 'mo' },
  { key: 'substring', label: 'substring inside words', q: 'ough' },
  { key: 'cjk', label: 'CJK substring', q: '東京' },
  { key: 'scoped', label: 'common word, one conversation', q: 'meeting', scoped: true },
  { key: 'nothing', label: 'matches nothing', q: 'xylophone' },
  { key: 'secondPage', label: 'common word, second page', q: 'meeting', secondPage: true },
];

const searchPath = (q, extra = {}) =>
  `/api/v1/search/messages?${new URLSearchParams({ q, limit: String(PAGE), ...extra })}`;

/** For each user, one conversation they are a member of: a group when they have one. */
function conversationOfEachUser(layout, users) {
  const chosen = new Array(users).fill(null);
  for (const conversation of layout.conversations) {
    for (const user of conversation.members) {
      if (chosen[user] === null || (chosen[user].type !== 'group' && conversation.type === 'group')) {
        chosen[user] = conversation;
      }
    }
  }
  return chosen;
}

/** GET a search page as `user`; throws on anything but 200. */
async function fetchPage(instance, token, path) {
  const response = await fetch(`${instance.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`search: GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function mapLimited(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Every kind's targets: one per user, each request for the next user in turn. */
async function searchTargets(ctx, instance) {
  const { layout, tokens } = ctx;
  const conversations = conversationOfEachUser(layout, tokens.length);
  const targets = {};
  for (const kind of SEARCH_KINDS.filter((entry) => !entry.secondPage)) {
    targets[kind.key] = tokens.map((token, user) => ({
      path: searchPath(kind.q, kind.scoped ? { conversationId: conversations[user].id } : {}),
      token,
    }));
  }
  const second = SEARCH_KINDS.find((entry) => entry.secondPage);
  ctx.log(`search: fetching the first page of "${second.q}" for ${tokens.length} users, for their cursors`);
  const cursors = await mapLimited(tokens, FETCH_CONCURRENCY, async (token) => {
    const page = await fetchPage(instance, token, searchPath(second.q));
    return page.nextCursor;
  });
  targets[second.key] = tokens
    .map((token, user) => ({ token, cursor: cursors[user] }))
    .filter((entry) => entry.cursor !== null)
    .map(({ token, cursor }) => ({ path: searchPath(second.q, { cursor }), token }));
  if (targets[second.key].length === 0) throw new Error(`search: no user has a second page of "${second.q}"`);
  return targets;
}

/** Mean hits on the page the kind's requests get, over its first SAMPLED_USERS targets. */
async function meanHits(instance, targets) {
  const sample = targets.slice(0, SAMPLED_USERS);
  const counts = await mapLimited(
    sample,
    FETCH_CONCURRENCY,
    async (target) => (await fetchPage(instance, target.token, target.path)).items.length,
  );
  return counts.reduce((sum, count) => sum + count, 0) / counts.length;
}

/**
 * Scenario 5: message search on instance A, two measured autocannon runs per query kind, one
 * connection alone (the latency of one search) then --connections (the throughput), every
 * request as the next user in turn (the plans are those of many users; the per-user search limit is
 * raised for the run all the same). `failures` lists the kinds that got any answer but 200: the
 * benchmark then exits with an error, after writing its results.
 */
export async function runSearch(ctx) {
  const instance = ctx.instances.a;
  const targets = await searchTargets(ctx, instance);
  const result = { page: PAGE, users: ctx.tokens.length, sampledUsers: SAMPLED_USERS, kinds: {}, failures: [] };
  const { failures } = result;
  for (const kind of SEARCH_KINDS) {
    const kindTargets = targets[kind.key];
    await ctx.http.call({
      cmd: 'run',
      url: instance.url,
      connections: ctx.options.connections,
      seconds: WARM_UP_SECONDS,
      targets: kindTargets,
    });
    ctx.log(`search: ${kind.label} (q=${kind.q}), ${ALONE_SECONDS} s alone, then ${ctx.options.readSeconds} s loaded`);
    const alone = await ctx.http.call({
      cmd: 'run',
      url: instance.url,
      connections: 1,
      seconds: ALONE_SECONDS,
      targets: kindTargets,
    });
    const run = await measureReads(ctx, instance, kindTargets);
    const hits = await meanHits(instance, kindTargets);
    result.kinds[kind.key] = {
      label: kind.label,
      q: kind.q,
      targets: kindTargets.length,
      meanHits: hits,
      alone,
      ...run,
    };
    const bad = run.non2xx + run.errors + run.timeouts + alone.non2xx + alone.errors + alone.timeouts;
    ctx.log(
      `search: ${kind.label}: alone p50 ${alone.latencyMs.p50} ms, p99 ${alone.latencyMs.p99} ms; loaded ${Math.round(run.perSecond)} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; ${hits.toFixed(1)} hits a page${bad ? `, ${bad} FAILED` : ''}`,
    );
    if (bad > 0) {
      failures.push(
        `${kind.label}: ${run.non2xx + alone.non2xx} non-2xx (${JSON.stringify([alone.statusCodes, run.statusCodes])}), ${run.errors + alone.errors} errors, ${run.timeouts + alone.timeouts} timeouts`,
      );
    }
  }
  result.underReadLoad = await searchUnderReadLoad(ctx, instance, targets);
  const underLoad = result.underReadLoad.search;
  if (underLoad.non2xx + underLoad.errors + underLoad.timeouts > 0) {
    failures.push(`under the read load: ${JSON.stringify(underLoad.statusCodes)}, ${underLoad.errors} errors`);
  }
  return result;
}

/**
 * Every kind of search in turn on one connection, while a second load generator keeps the cached
 * conversation list at READ_LOAD_PER_SECOND on the same instance: the latency a user's search has
 * while the instance serves other users' reads.
 */
async function searchUnderReadLoad(ctx, instance, targets) {
  const mixed = Object.values(targets)[0].flatMap((_, index) =>
    Object.values(targets).map((list) => list[index % list.length]),
  );
  const reader = startWorker('http-load.mjs');
  try {
    const { list } = readTargets(ctx.layout, ctx.tokens);
    const load = { url: instance.url, connections: ctx.options.connections, targets: list, rate: READ_LOAD_PER_SECOND };
    await reader.call({ cmd: 'run', ...load, seconds: WARM_UP_SECONDS });
    ctx.log(
      `search: every kind on 1 connection, under ${READ_LOAD_PER_SECOND} cached list reads a second, ${ctx.options.readSeconds} s`,
    );
    const [reads, search] = await Promise.all([
      reader.call({ cmd: 'run', ...load, seconds: ctx.options.readSeconds }),
      ctx.http.call({
        cmd: 'run',
        url: instance.url,
        connections: 1,
        seconds: ctx.options.readSeconds,
        targets: mixed,
      }),
    ]);
    ctx.log(
      `search: under the read load p50 ${search.latencyMs.p50} ms, p99 ${search.latencyMs.p99} ms (${Math.round(search.perSecond)} req/s); reads ${Math.round(reads.perSecond)} req/s, p99 ${reads.latencyMs.p99} ms`,
    );
    return { readsPerSecondAsked: READ_LOAD_PER_SECOND, reads, search };
  } finally {
    await reader.stop();
  }
}
