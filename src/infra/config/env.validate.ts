import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvSchema } from './env.schema.js';

/** A configuration problem, worded as the one line an operator sees before the process stops. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

const describe = (error: ValidationError): string => {
  const got = typeof error.value === 'string' ? ` (got "${error.value.slice(0, 60)}")` : '';
  const expected = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  return `${error.property} ${expected}${got}`;
};

/**
 * Reads the known variables from `env`, applies defaults and checks every value.
 * An empty value counts as unset. Throws one `ConfigValidationError` naming every bad variable.
 */
export function validateEnv(env: Record<string, string | undefined>): EnvSchema {
  const known = Object.keys(new EnvSchema()).concat(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']);
  const raw = Object.fromEntries(
    known.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]),
  );
  const parsed = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(`Invalid configuration: ${errors.map(describe).join('; ')}`);
  }
  return parsed;
}
