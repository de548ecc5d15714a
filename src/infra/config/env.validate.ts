import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvSchema } from './env.schema.js';

/** A configuration problem, worded as the one line an operator sees before the process stops. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

/**
 * Settings whose value is a credential or may carry one (a URL with a password). A message about
 * them names the variable and what is expected, never the value.
 */
const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|URL/;
/** `scheme://user:password@…`: a value with credentials in it, whatever its variable. */
const HAS_CREDENTIALS = /\/\/[^/?#\s]*@/;

const mayEchoValue = (name: string, value: string): boolean => !SECRET_NAME.test(name) && !HAS_CREDENTIALS.test(value);

const describe = (error: ValidationError): string => {
  const shown = typeof error.value === 'string' && mayEchoValue(error.property, error.value);
  const got = shown ? ` (got "${(error.value as string).slice(0, 60)}")` : '';
  const expected = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  return `${error.property} ${expected}${got}`;
};

/** The settings without a default (so not keys of a fresh EnvSchema). */
export const OPTIONAL_SETTINGS = [
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'JWT_SECRET',
];

/** The Redis settings that only make sense together. */
function redisTopologyProblems(env: EnvSchema): string[] {
  const problems: string[] = [];
  if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES) {
    problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES cannot both be set (Sentinel or Cluster, not both)');
  }
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
    problems.push('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the name of the monitored master)');
  }
  return problems;
}

/** The S3 driver cannot start without its bucket and credentials. */
function storageProblems(env: EnvSchema): string[] {
  if (env.STORAGE_DRIVER !== 's3') return [];
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter(
    (name) => env[name] === undefined,
  );
  return missing.length === 0 ? [] : [`STORAGE_DRIVER=s3 requires ${missing.join(', ')}`];
}

/**
 * The connection URLs must parse: the clients parse them later, and a parser's error may quote the
 * whole URL, password included (Node's URL errors carry it as `input`).
 */
function urlProblems(env: EnvSchema, failed: Set<string>): string[] {
  return (['DATABASE_URL', 'REDIS_URL'] as const)
    .filter((name) => env[name] !== undefined && !failed.has(name) && !URL.canParse(env[name]))
    .map((name) => `${name} must be a valid URL (percent-encode special characters of the user name and password)`);
}

/**
 * Reads the known variables from `env`, applies defaults and checks every value.
 * An empty value counts as unset. Throws one `ConfigValidationError` naming every bad variable.
 */
export function validateEnv(env: Record<string, string | undefined>): EnvSchema {
  const known = Object.keys(new EnvSchema()).concat(OPTIONAL_SETTINGS);
  const raw = Object.fromEntries(
    known.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]),
  );
  const parsed = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  const failed = new Set(errors.map((error) => error.property));
  const problems = [
    ...errors.map(describe),
    ...urlProblems(parsed, failed),
    ...redisTopologyProblems(parsed),
    ...storageProblems(parsed),
  ];
  if (problems.length > 0) throw new ConfigValidationError(`Invalid configuration: ${problems.join('; ')}`);
  return parsed;
}
