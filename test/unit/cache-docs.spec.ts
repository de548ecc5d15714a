import { readFileSync } from 'node:fs';
import { CACHE_AREA_PATTERNS } from '#src/infra/redis/redis-keys.js';

/** The key column of the table under "Cache keys" in docs/caching.md, as `area:entity`. */
function documentedAreas(): string[] {
  const doc = readFileSync(new URL('../../docs/caching.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## Cache keys'));
  return [...table.matchAll(/^\| `([a-z-]+:[a-z-]+):[^`]*` /gm)].map((match) => match[1]);
}

describe('the cache keys documented in docs/caching.md', () => {
  it('are exactly the cache areas the code keeps (CACHE_AREA_PATTERNS), one row each', () => {
    const inCode = CACHE_AREA_PATTERNS.map((pattern) => pattern.replace(/:\*$/, '')).sort();
    const documented = documentedAreas();
    expect(documented.length).toBe(new Set(documented).size);
    expect([...documented].sort()).toEqual(inCode);
  });
});
