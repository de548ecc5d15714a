// The rules a schema must keep to be distributed on Citus with TABLE_LAYOUT, checked on a migrated
// database's catalog. Citus is not available here, so these are the rules Citus enforces when a
// table is distributed or written (from its documentation and errors seen on a real cluster), not
// Citus itself.
import type pg from 'pg';
import type { DistributedFunction, Placement } from '#src/infra/prisma/distribution-layout.js';

interface Column {
  table: string;
  column: string;
  type: string;
  typtype: string;
  notNull: boolean;
}

interface UniqueIndex {
  table: string;
  index: string;
  columns: string[];
}

interface ForeignKey {
  table: string;
  name: string;
  columns: string[];
  referenced: string;
  referencedColumns: string[];
  /** pg_constraint.confupdtype / confdeltype: a = no action, r = restrict, c = cascade, n = set null, d = set default. */
  onUpdate: string;
  onDelete: string;
}

interface Fn {
  name: string;
  language: string;
  argNames: string[];
  argTypes: string[];
}

async function catalog(client: pg.Client, schema: string) {
  const tables = (
    await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
      [schema],
    )
  ).rows.map((row) => row.table);
  const columns = (
    await client.query<Column>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              t.typtype, a.attnotnull AS "notNull"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
      [schema],
    )
  ).rows;
  const uniques = (
    await client.query<UniqueIndex>(
      `SELECT t.relname AS table, i.relname AS index,
              ARRAY(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k)::text[] AS columns
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND x.indisunique`,
      [schema],
    )
  ).rows;
  const foreignKeys = (
    await client.query<ForeignKey>(
      `SELECT t.relname AS table, f.conname AS name, r.relname AS referenced,
              ARRAY(SELECT a.attname FROM unnest(f.conkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
              ARRAY(SELECT a.attname FROM unnest(f.confkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS "referencedColumns",
              f.confupdtype::text AS "onUpdate", f.confdeltype::text AS "onDelete"
       FROM pg_constraint f JOIN pg_class t ON t.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND f.contype = 'f'`,
      [schema],
    )
  ).rows;
  const functions = (
    await client.query<Fn>(
      `SELECT p.proname AS name, l.lanname AS language, coalesce(p.proargnames, '{}')::text[] AS "argNames",
              ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t)::text[] AS "argTypes"
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
       WHERE n.nspname = $1`,
      [schema],
    )
  ).rows;
  return { tables, columns, uniques, foreignKeys, functions };
}

/** The table whose colocation group `table` belongs to (the group's first table). */
function groupOf(layout: Readonly<Record<string, Placement>>, table: string): string {
  const placement = layout[table];
  if (placement?.kind !== 'distributed' || placement.colocateWith === 'none') return table;
  return groupOf(layout, placement.colocateWith);
}

/** Every way the schema breaks the layout or Citus's rules; empty when it can be distributed. */
export async function layoutViolations(
  client: pg.Client,
  schema: string,
  layout: Readonly<Record<string, Placement>>,
  functions: readonly DistributedFunction[],
): Promise<string[]> {
  const found = await catalog(client, schema);
  const problems: string[] = [];
  const names = Object.keys(layout);
  const distributed = (table: string) => {
    const placement = layout[table];
    return placement?.kind === 'distributed' ? placement : undefined;
  };
  const column = (table: string, name: string) => found.columns.find((c) => c.table === table && c.column === name);

  for (const table of found.tables) {
    if (!(table in layout)) problems.push(`${table}: not in the layout`);
  }
  names.forEach((table, position) => {
    if (!found.tables.includes(table)) problems.push(`${table}: in the layout but not in the schema`);
    const placement = distributed(table);
    if (!placement) return;
    const own = column(table, placement.column);
    if (!own) {
      problems.push(`${table}: no distribution column ${placement.column}`);
      return;
    }
    if (!own.notNull) problems.push(`${table}.${placement.column}: the distribution column may be null`);
    if (placement.colocateWith === 'none') return;
    const parent = distributed(placement.colocateWith);
    if (!parent || names.indexOf(placement.colocateWith) > position) {
      problems.push(`${table}: colocated with ${placement.colocateWith}, which is no distributed table before it`);
      return;
    }
    const parentColumn = column(placement.colocateWith, parent.column);
    if (parentColumn && parentColumn.type !== own.type) {
      problems.push(
        `${table}: its distribution column is ${own.type}, ${placement.colocateWith}'s is ${parentColumn.type}`,
      );
    }
  });

  for (const c of found.columns) {
    if (c.typtype === 'e' && layout[c.table]?.kind !== 'local') {
      problems.push(`${c.table}.${c.column}: an enum column (use text with a CHECK constraint)`);
    }
  }

  for (const index of found.uniques) {
    const placement = distributed(index.table);
    if (placement && !index.columns.includes(placement.column)) {
      problems.push(`${index.table}: unique index ${index.index} lacks the distribution column ${placement.column}`);
    }
  }

  for (const key of found.foreignKeys) {
    const from = layout[key.table];
    const to = layout[key.referenced];
    if (!from || !to) continue;
    if (to.kind === 'distributed' && from.kind !== 'distributed') {
      problems.push(`${key.table}: foreign key ${key.name} from a ${from.kind} table to a distributed one`);
    }
    const placement = distributed(key.table);
    if (!placement) continue;
    const position = key.columns.indexOf(placement.column);
    if (to.kind === 'distributed') {
      if (groupOf(layout, key.table) !== groupOf(layout, key.referenced)) {
        problems.push(`${key.table}: foreign key ${key.name} to ${key.referenced}, which is not colocated with it`);
      } else if (position < 0 || key.referencedColumns[position] !== to.column) {
        problems.push(
          `${key.table}: foreign key ${key.name} does not match ${placement.column} to ${key.referenced}.${to.column}`,
        );
      }
    }
    if (position >= 0 && key.onUpdate !== 'a') {
      problems.push(
        `${key.table}: foreign key ${key.name} holds the distribution column and is not ON UPDATE NO ACTION`,
      );
    }
    if (position >= 0 && (key.onDelete === 'n' || key.onDelete === 'd')) {
      problems.push(`${key.table}: foreign key ${key.name} holds the distribution column and sets it on delete`);
    }
  }

  for (const fn of functions) {
    const matches = found.functions.filter((f) => f.name === fn.name);
    if (matches.length !== 1) {
      problems.push(`function ${fn.name}: ${matches.length} functions of that name (one expected)`);
      continue;
    }
    const [defined] = matches;
    if (defined.language !== 'plpgsql') problems.push(`function ${fn.name}: LANGUAGE ${defined.language}, not plpgsql`);
    const argument = defined.argNames.indexOf(fn.argument);
    const group = distributed(fn.colocateWith);
    const groupColumn = group && column(fn.colocateWith, group.column);
    if (argument < 0) problems.push(`function ${fn.name}: no argument ${fn.argument}`);
    else if (!groupColumn || defined.argTypes[argument] !== groupColumn.type) {
      problems.push(`function ${fn.name}: ${fn.argument} is not of the type ${fn.colocateWith} is distributed by`);
    }
  }
  return problems;
}
