// `npm run bench:readme [-- results.json]`: rewrites README.md's benchmark table (between
// `<!-- bench:start -->` and `<!-- bench:end -->`) from a results file's summary and the targets,
// by default from the newest bench/results/*.json of a run with the scenarios it shows. Results written before `summary` existed get
// one computed from their scenarios.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatted, summaryRows } from './lib/report.mjs';
import { summarize } from './lib/summary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = join(ROOT, 'README.md');
const RESULTS = join(ROOT, 'bench', 'results');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** The scenarios the table's rows come from: a run of only some others (`--scenarios compression`) has none of them. */
const TABLE_SCENARIOS = ['reads', 'floor', 'messaging'];

/** The newest results file of a run with the table's scenarios: their names are their dates (`2026-12-02-01-57-42.json`). */
function newestResults() {
  const names = readdirSync(RESULTS)
    .filter((name) => /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.json$/.test(name))
    .sort()
    .filter((name) => {
      const { scenarios } = JSON.parse(readFileSync(join(RESULTS, name), 'utf8')).options;
      return TABLE_SCENARIOS.every((scenario) => scenarios.includes(scenario));
    });
  if (names.length === 0) throw new Error(`no results of a full run in ${RESULTS}: run npm run bench first`);
  return join(RESULTS, names[names.length - 1]);
}

/** A results file's name as the section shows it: from the repository's root when it is inside. */
function shownName(file) {
  const path = relative(ROOT, resolve(file));
  return path.startsWith('..') ? basename(file) : path;
}

/** The section's text: where the numbers come from, then one row per summary value. */
export function section(results, file) {
  const summary = results.summary ?? summarize(results);
  const { machine, options } = results;
  const scenarios = Array.isArray(options.scenarios) ? options.scenarios.join(', ') : '';
  const lines = [
    `From \`${shownName(file)}\` (${results.date.slice(0, 10)}): ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; ${options.users} users, ${options.conversations} conversations, ${options.messages} messages, ${options.sockets} sockets; scenarios ${scenarios}.`,
    '',
    '| measure | value | target | met |',
    '| --- | ---: | --- | --- |',
    ...summaryRows(summary).map(
      (row) =>
        `| ${row.label} | ${row.measured} | ${row.target ?? '—'} | ${row.met === null ? '—' : row.met ? 'yes' : 'no'} |`,
    ),
  ];
  return lines.join('\n');
}

/** README.md's text with the section between the markers replaced. */
export async function rewrite(readme, text) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  const table = (await formatted(text, README)).trim();
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? newestResults();
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const readme = readFileSync(README, 'utf8');
  const next = await rewrite(readme, section(results, file));
  writeFileSync(README, next);
  console.log(`README.md: benchmark table from ${shownName(file)}${next === readme ? ' (unchanged)' : ''}`);
}
