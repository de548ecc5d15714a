// Distributes the migrated schema on a Citus coordinator (`npm run db:citus`, and the test global
// setup): reads what Citus holds, plans the rest with citus-plan.ts and runs it in one transaction.
// Needs Citus 11 or later, where pg_dist_object is in pg_catalog.
import pg from 'pg';
import { TABLE_LAYOUT, FUNCTION_LAYOUT } from './distribution-layout.js';
import {
  DistributionError,
  SCHEMA,
  planDistribution,
  type CitusFunction,
  type CitusTable,
  type DatabaseState,
  type ForeignKey,
} from './citus-plan.js';

async function hasCitus(client: pg.Client): Promise<boolean> {
  const { rowCount } = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  return rowCount !== 0;
}

/**
 * Every table of the schema must be in the layout, so a new table is never left on the coordinator
 * because nobody placed it; every layout table must exist, or the migrations were not applied.
 * Partitions are left out: Citus places them with their parent.
 */
async function checkTables(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [SCHEMA],
  );
  const tables = rows.map((row) => row.relname);
  const unknown = tables.filter((table) => !Object.hasOwn(TABLE_LAYOUT, table)).sort();
  if (unknown.length) {
    throw new DistributionError(
      `Tables not in TABLE_LAYOUT (src/infra/prisma/distribution-layout.ts): ${unknown.join(', ')}; ` +
        'add each with its placement',
    );
  }
  const missing = Object.keys(TABLE_LAYOUT).filter((table) => !tables.includes(table));
  if (missing.length) {
    throw new DistributionError(
      `Tables of the layout missing from the database: ${missing.join(', ')}; apply the migrations first (npm run db:migrate)`,
    );
  }
}

async function readState(client: pg.Client): Promise<DatabaseState> {
  // column_to_column_name is Citus's reading of partkey; reference tables have none.
  const placed = await client.query<{ relname: string } & CitusTable>(
    `SELECT c.relname, p.partmethod, p.repmodel, p.colocationid AS "colocationId",
            CASE WHEN p.partkey IS NULL THEN NULL ELSE column_to_column_name(p.logicalrelid, p.partkey) END AS "column"
       FROM pg_dist_partition p
       JOIN pg_class c ON c.oid = p.logicalrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1`,
    [SCHEMA],
  );
  const foreignKeys = await client.query<ForeignKey>(
    `SELECT c.relname AS "table", r.relname AS "referencedTable", con.conname AS name,
            pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = $1
      ORDER BY c.relname, con.conname`,
    [SCHEMA],
  );
  const functions = await client.query<{ proname: string } & CitusFunction>(
    `SELECT p.proname, p.oid::regprocedure::text AS signature, COALESCE(p.proargnames, '{}') AS "argumentNames",
            o.distribution_argument_index AS "distributionArgumentIndex", o.colocationid AS "colocationId"
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       LEFT JOIN pg_catalog.pg_dist_object o
         ON o.classid = 'pg_proc'::regclass AND o.objid = p.oid AND o.objsubid = 0
      WHERE n.nspname = $1 AND p.proname = ANY($2)
      ORDER BY signature`,
    [SCHEMA, FUNCTION_LAYOUT.map((fn) => fn.name)],
  );
  const byName = new Map<string, CitusFunction[]>();
  for (const { proname, ...fn } of functions.rows) byName.set(proname, [...(byName.get(proname) ?? []), fn]);
  return {
    placed: new Map(placed.rows.map(({ relname, ...table }) => [relname, table])),
    foreignKeys: foreignKeys.rows,
    functions: byName,
  };
}

/**
 * Places every table and function of the layout that Citus does not hold yet and returns the
 * statements run (none when all are placed). Returns 'not-citus', changing nothing, when the
 * database has no citus extension, so the test setup can call it on any database.
 */
export async function distributeOnCitus(url: string): Promise<'not-citus' | string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!(await hasCitus(client))) return 'not-citus';
    await client.query('BEGIN');
    try {
      // Citus refuses to create reference tables and foreign keys to them in one transaction over
      // several connections per node; sequential mode from the start makes it use one.
      await client.query("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");
      await checkTables(client);
      const statements = planDistribution(await readState(client));
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
      return statements;
    } catch (error) {
      // Undoes the dropped foreign keys along with everything else.
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}
