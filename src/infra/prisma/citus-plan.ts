// The statements that bring a Citus coordinator from what it holds now to the layout of
// distribution-layout.ts. Pure: the runner (citus-distribution.ts) reads the catalogs and runs what
// this returns, so the order and the checks can be tested without Citus.
//
// How Citus reads the arguments (from its source, as no Citus runs here):
// - `table_name` is a regclass and `colocate_with` is parsed as a qualified name
//   (textToQualifiedNameList), so both take quoted identifiers inside the string literal.
// - `distribution_column` is looked up as written, not parsed as an identifier, so it takes the
//   bare column name; `distribution_arg_name` is compared with the argument names case-insensitively.
import {
  FUNCTION_LAYOUT,
  TABLE_LAYOUT,
  type DistributedFunction,
  type DistributedTable,
  type Placement,
} from './distribution-layout.js';

export const SCHEMA = 'public';

/** A row of pg_dist_partition for a table of the schema. */
export interface CitusTable {
  /** 'h' hash-distributed, 'n' not split (a reference table or a Citus local table). */
  partmethod: string;
  /** 't' (two-phase commit) marks a reference table among the 'n' ones; 's' a Citus local table. */
  repmodel: string;
  /** The distribution column, null when the table has none. */
  column: string | null;
  colocationId: number;
}

/** A foreign key of the schema, as pg_get_constraintdef prints it. */
export interface ForeignKey {
  table: string;
  referencedTable: string;
  name: string;
  definition: string;
}

/** A function of the schema with a layout function's name (pg_proc joined to pg_dist_object). */
export interface CitusFunction {
  /** `oid::regprocedure`: the name and argument types create_distributed_function takes. */
  signature: string;
  /** proargnames, in the order distribution_argument_index counts them. */
  argumentNames: readonly string[];
  /**
   * Null until create_distributed_function is given an argument: Citus 11 and later record every
   * new function in pg_dist_object without one, so being listed there does not mean distributed.
   */
  distributionArgumentIndex: number | null;
  colocationId: number | null;
}

export interface DatabaseState {
  /** The schema's tables in pg_dist_partition, by name. */
  placed: ReadonlyMap<string, CitusTable>;
  foreignKeys: readonly ForeignKey[];
  /** Every function of the schema named like a layout function, by name (two are overloads). */
  functions: ReadonlyMap<string, readonly CitusFunction[]>;
}

export interface Layout {
  tables: Readonly<Record<string, Placement>>;
  functions: readonly DistributedFunction[];
}

const PROJECT_LAYOUT: Layout = { tables: TABLE_LAYOUT, functions: FUNCTION_LAYOUT };

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;
const qualified = (table: string) => `${quoteIdent(SCHEMA)}.${quoteIdent(table)}`;
/** A table as a string literal, for the Citus arguments that parse it as a name (regclass, colocate_with). */
const tableLiteral = (table: string) => quoteLiteral(qualified(table));

/** The database is placed in a way the layout does not describe; nothing is run. */
export class DistributionError extends Error {}

function described(current: CitusTable): string {
  if (current.partmethod === 'h') return current.column ? `distributed by ${current.column}` : 'a single-shard table';
  if (current.partmethod === 'n') return current.repmodel === 't' ? 'a reference table' : 'a Citus local table';
  return `distributed with method '${current.partmethod}'`;
}

function laidOut(placement: Placement): string {
  if (placement.kind === 'distributed') return `distributed by ${placement.column}`;
  return placement.kind === 'reference' ? 'a reference table' : 'local to the coordinator';
}

/**
 * Whether Citus already holds the table as the layout places it. A table placed otherwise is an
 * error: running on would leave it where no query plan of the service expects it.
 */
function alreadyPlaced(table: string, layout: Layout, state: DatabaseState): boolean {
  const placement = layout.tables[table];
  const current = state.placed.get(table);
  if (!current) return false;
  const matches =
    placement.kind === 'reference'
      ? current.partmethod === 'n' && current.repmodel === 't'
      : placement.kind === 'distributed' && current.partmethod === 'h' && current.column === placement.column;
  if (!matches) {
    throw new DistributionError(
      `Table ${table} is ${described(current)} but the layout has it ${laidOut(placement)}; ` +
        'undistribute it (undistribute_table) or change TABLE_LAYOUT',
    );
  }
  if (placement.kind === 'distributed' && placement.colocateWith !== 'none') {
    const group = state.placed.get(placement.colocateWith);
    if (group?.colocationId !== current.colocationId) {
      throw new DistributionError(
        `Table ${table} is distributed but not colocated with ${placement.colocateWith}, as the layout has it`,
      );
    }
  }
  return true;
}

/** Checks what the planner relies on: each colocated table names a distributed table before it. */
function distributedTables(layout: Layout): [string, DistributedTable][] {
  const seen = new Set<string>();
  const tables: [string, DistributedTable][] = [];
  for (const [table, placement] of Object.entries(layout.tables)) {
    if (placement.kind !== 'distributed') continue;
    if (placement.colocateWith !== 'none' && !seen.has(placement.colocateWith)) {
      throw new DistributionError(
        `Table ${table} is placed with ${placement.colocateWith}, which is not a distributed table before it in TABLE_LAYOUT`,
      );
    }
    seen.add(table);
    tables.push([table, placement]);
  }
  return tables;
}

function functionStatement(fn: DistributedFunction, layout: Layout, state: DatabaseState): string | undefined {
  const found = state.functions.get(fn.name) ?? [];
  if (found.length === 0) {
    throw new DistributionError(`Function ${fn.name} does not exist: apply the migrations first (npm run db:migrate)`);
  }
  if (found.length > 1) {
    throw new DistributionError(
      `Function ${fn.name} has ${found.length} overloads (${found.map((f) => f.signature).join(', ')}); the layout names one`,
    );
  }
  const [current] = found;
  if (current.distributionArgumentIndex !== null) {
    const argument = current.argumentNames[current.distributionArgumentIndex];
    const group = state.placed.get(fn.colocateWith)?.colocationId;
    if (argument !== fn.argument || current.colocationId !== group) {
      throw new DistributionError(
        `Function ${fn.name} is distributed by ${argument ?? `argument ${current.distributionArgumentIndex + 1}`} ` +
          `in colocation group ${current.colocationId}, but the layout has it distributed by ${fn.argument} with ${fn.colocateWith}`,
      );
    }
    return undefined;
  }
  if (layout.tables[fn.colocateWith]?.kind !== 'distributed') {
    throw new DistributionError(
      `Function ${fn.name} is placed with ${fn.colocateWith}, which is not a distributed table`,
    );
  }
  return (
    `SELECT create_distributed_function(${quoteLiteral(current.signature)}::regprocedure, ` +
    `distribution_arg_name => ${quoteLiteral(fn.argument)}, colocate_with => ${tableLiteral(fn.colocateWith)})`
  );
}

/**
 * The statements to run, in order: drop the foreign keys touching a table still to be placed
 * (Citus refuses to distribute a table a local table's foreign key points to, or converts that
 * table behind the scenes); make the reference tables; distribute each group's first table, then the
 * tables placed with it, in the layout's order; re-add the dropped foreign keys as they were; and
 * distribute the functions last, as they are colocated with a distributed table. Tables and
 * functions already placed as the layout says are skipped, so a second run plans nothing.
 */
export function planDistribution(state: DatabaseState, layout: Layout = PROJECT_LAYOUT): string[] {
  const distributed = distributedTables(layout);
  const toPlace = new Set(Object.keys(layout.tables).filter((table) => !alreadyPlaced(table, layout, state)));
  const references = Object.entries(layout.tables).filter(
    ([table, placement]) => placement.kind === 'reference' && toPlace.has(table),
  );
  const toDistribute = distributed.filter(([table]) => toPlace.has(table));
  const placing = new Set([...references, ...toDistribute].map(([table]) => table));
  const foreignKeys = state.foreignKeys.filter((key) => placing.has(key.table) || placing.has(key.referencedTable));

  return [
    ...foreignKeys.map((key) => `ALTER TABLE ${qualified(key.table)} DROP CONSTRAINT ${quoteIdent(key.name)}`),
    ...references.map(([table]) => `SELECT create_reference_table(${tableLiteral(table)})`),
    ...toDistribute.map(
      ([table, placement]) =>
        `SELECT create_distributed_table(${tableLiteral(table)}, ${quoteLiteral(placement.column)}, ` +
        `colocate_with => ${placement.colocateWith === 'none' ? "'none'" : tableLiteral(placement.colocateWith)})`,
    ),
    ...foreignKeys.map(
      (key) => `ALTER TABLE ${qualified(key.table)} ADD CONSTRAINT ${quoteIdent(key.name)} ${key.definition}`,
    ),
    ...layout.functions.flatMap((fn) => functionStatement(fn, layout, state) ?? []),
  ];
}
