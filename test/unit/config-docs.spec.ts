import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvSchema } from '#src/infra/config/env.schema.js';
import { OPTIONAL_SETTINGS } from '#src/infra/config/env.validate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Every source file the service runs (the generated Prisma client aside). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** What the code reads: the settings validated at start, and any `process.env.X` read directly. */
const settings = [...Object.keys(new EnvSchema()), ...OPTIONAL_SETTINGS];
const readDirectly = [...sourceFiles('src'), ...sourceFiles('scripts'), 'prisma.config.ts'].flatMap((file) =>
  [...read(file).matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)].map(
    (match) => match[1] ?? match[2],
  ),
);
const variables = [...new Set([...settings, ...readDirectly])].sort();
const documentedInExample = [...read('.env.example').matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);

describe('every environment variable the code reads is documented', () => {
  it('finds the variables read directly as well as the settings', () => {
    expect(readDirectly).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDISMS_SYSTEM_BINARY']));
    expect(settings).toEqual(expect.arrayContaining(['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS']));
  });

  it.each(variables)('%s is in .env.example and in the configuration table of docs/configuration.md', (name) => {
    expect(documentedInExample).toContain(name);
    expect(read('docs/configuration.md')).toMatch(new RegExp(`^\\| \`${name}\` `, 'm'));
  });

  it('.env.example documents nothing the code does not read', () => {
    expect(documentedInExample.filter((name) => !variables.includes(name))).toEqual([]);
  });
});

describe('settings are read through configuration slices', () => {
  // ConfigService.get takes any setting's name: a class reading through it hides what it depends on.
  it('no source file reads a setting by name', () => {
    const readByName = sourceFiles('src').filter((file) => /config\.get\(|@nestjs\/config/i.test(read(file)));
    expect(readByName).toEqual([]);
  });
});
