import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, isUUID, Max, Min } from 'class-validator';
import { invalidField } from '#src/common/errors/common.errors.js';
import { payloadProblem } from '#src/common/validation/payload-problem.js';
import { TextLength } from '#src/common/validation/text-length.js';

/** `?limit=` (1–100, default 20) and `?cursor=` of every list route. */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @TextLength(0, 512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list answered whole: bounded by a rule (at most 50 pins, 200 presences…), so never paged. */
export interface ItemList<T> {
  items: T[];
}

/** Cursors are opaque to clients: base64url JSON of where the next page starts. */
export const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/**
 * The position in a cursor, or 400 when it is not one `isValid` accepts. A client can craft any
 * JSON here: `isValid` must check every value a query will use (types, ranges, id format), and
 * strings carrying NUL (which PostgreSQL text cannot hold) are refused for all.
 */
export function decodeCursor<T>(cursor: string | undefined, isValid: (value: unknown) => value is T): T | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (payloadProblem(value) !== undefined || !isValid(value)) {
    throw invalidField('cursor', 'cursor is not valid');
  }
  return value;
}

/** Times in cursors are written by `toISOString()`, for years 0–9999, all of which PostgreSQL can hold. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A time as cursors carry it: exactly what `toISOString()` wrote, and a real date. */
export const isCursorTime = (value: unknown): value is string =>
  typeof value === 'string' &&
  CURSOR_TIME.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(value).toISOString() === value;

/** A row id as cursors carry it. */
export const isCursorId = (value: unknown): value is string => typeof value === 'string' && isUUID(value, 'all');

/** Builds a page from `limit + 1` fetched rows: the extra row only tells that there is more. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
  position: (row: Row) => unknown,
): Page<Item> {
  const items = rows.slice(0, limit);
  return {
    items: items.map(present),
    nextCursor: rows.length > limit ? encodeCursor(position(items[items.length - 1])) : null,
  };
}
