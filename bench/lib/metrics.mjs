/** The value of one sample of a Prometheus text exposition, or 0 when it is absent. */
export function sample(text, name, labels = {}) {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(' ')[0];
    if (wanted.every((pair) => labelText.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** Hits over lookups of one named cache between two scrapes. */
export function hitRatio(before, after, cache) {
  const delta = (result) =>
    sample(after, 'cache_requests_total', { cache, result }) -
    sample(before, 'cache_requests_total', { cache, result });
  const hits = delta('hit');
  const all = hits + delta('miss');
  return all === 0 ? null : hits / all;
}
