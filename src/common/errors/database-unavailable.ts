/** Prisma error codes meaning the database could not be reached or did not answer in time. */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Node/pg error codes and messages for the same, as the pg adapter passes them through. */
const UNREACHABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P03',
]);
const UNREACHABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|Can't reach database server/i;

/** True when `error` (or an error it wraps) says PostgreSQL is down, rather than the query being wrong. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, cause, name } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    name?: unknown;
  };
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SYSTEM_CODES.has(code))) return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
