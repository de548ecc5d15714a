import { readFileSync } from 'node:fs';
import { EnvSchema } from '#src/infra/config/env.schema.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const variables = [...new Set([...Object.keys(new EnvSchema()), 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET'])];

describe('every configuration variable is documented', () => {
  it.each(variables)('%s is in .env.example and in the README configuration table', (name) => {
    expect(read('.env.example')).toMatch(new RegExp(`^# ${name}=`, 'm'));
    expect(read('README.md')).toMatch(new RegExp(`^\\| \`${name}\` `, 'm'));
  });
});
