import type { AppError } from './app-error.js';
import { conflict, notFound, serviceUnavailable, validationFailed } from './common.errors.js';

/** Prisma's codes for a value the column or type cannot take: too long, out of range, not parsable. */
const BAD_VALUE_CODES = new Set(['P2000', 'P2006', 'P2007', 'P2009', 'P2020', 'P2023', 'P2033']);
/** Prisma's codes for a row a write needed that is gone (deleted by a concurrent request). */
const GONE_CODES = new Set(['P2001', 'P2015', 'P2018', 'P2025']);
/** A row the write refers to was deleted meanwhile. */
const FOREIGN_KEY_CODE = 'P2003';
/** A transaction lost to a concurrent one (write conflict or deadlock): nothing was written, a retry works. */
const CONFLICT_CODE = 'P2034';
const CONFLICT_STATES = new Set(['40001', '40P01']);
/** What the pg adapter calls the same failures of raw SQL (wrapped in P2010). */
const BAD_VALUE_KINDS = new Set(['LengthMismatch', 'ValueOutOfRange', 'InvalidInputValue', 'InconsistentColumnData']);
const FOREIGN_KEY_KIND = 'ForeignKeyConstraintViolation';
/** PostgreSQL's class 22 is "data exception": the statement was fine, a value in it was not. */
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

interface PrismaLikeError {
  name?: unknown;
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: AdapterCause } };
  cause?: AdapterCause;
}
interface AdapterCause {
  kind?: unknown;
  code?: unknown;
  originalCode?: unknown;
}

const badValue = () =>
  validationFailed([{ message: 'a value is too long, out of range or not valid where it is used' }]);
const gone = () => notFound('It no longer exists');
const contended = () => serviceUnavailable('A concurrent change got in the way; nothing was written, try again');
const referenceGone = () => conflict('Something this refers to no longer exists');

/** The adapter's description of a raw query's failure: from a P2010, or thrown by the adapter itself. */
function adapterCause(error: PrismaLikeError): AdapterCause | undefined {
  if (error.code === 'P2010') return error.meta?.driverAdapterError?.cause;
  if (error.name === 'DriverAdapterError') return error.cause;
  return undefined;
}

/**
 * The client error hiding in a database error, if it is one: a value the database refused
 * (400; validation is meant to catch these first, this is the net under it) or a row deleted by
 * a concurrent request (404, or 409 when the write referred to it). A transaction that lost a
 * deadlock or a write conflict wrote nothing and may be retried (503). Anything else
 * is not the client's doing.
 */
export function databaseRefusal(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const prismaError = error as PrismaLikeError;
  const { code } = prismaError;
  if (typeof code === 'string') {
    if (BAD_VALUE_CODES.has(code)) return badValue();
    if (GONE_CODES.has(code)) return gone();
    if (code === FOREIGN_KEY_CODE) return referenceGone();
    if (code === CONFLICT_CODE) return contended();
  }
  const cause = adapterCause(prismaError);
  if (!cause) return undefined;
  if (typeof cause.kind === 'string' && BAD_VALUE_KINDS.has(cause.kind)) return badValue();
  if (cause.kind === FOREIGN_KEY_KIND) return referenceGone();
  const sqlState = cause.originalCode ?? cause.code;
  if (typeof sqlState === 'string' && DATA_EXCEPTION.test(sqlState)) return badValue();
  if (typeof sqlState === 'string' && CONFLICT_STATES.has(sqlState)) return contended();
  return undefined;
}
