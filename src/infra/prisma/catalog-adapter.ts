import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { parse } from 'pg-connection-string';

// The schema engine reads PostgreSQL's catalogs, whose one-byte `"char"` columns
// (pg_constraint.contype and others) Prisma's pg adapter refuses ("Column type 'char' could not be
// deserialized"). The client below reports them as text so the adapter accepts them, and the
// adapter wrapper hands them to the engine as the Character type it reads them as.

const CHAR_OID = 18;
const TEXT_OID = 25;

/** Result rows → indexes of their `"char"` columns, for the adapter wrapper to retype. */
const charColumns = new WeakMap<object, number[]>();

type PgResultLike = { fields?: { dataTypeID: number }[]; rows?: object } | undefined;

function retypeCharColumns<T extends PgResultLike>(result: T): T {
  const indexes: number[] = [];
  result?.fields?.forEach((field, index) => {
    if (field.dataTypeID !== CHAR_OID) return;
    field.dataTypeID = TEXT_OID;
    indexes.push(index);
  });
  if (indexes.length > 0 && result?.rows) charColumns.set(result.rows, indexes);
  return result;
}

class CatalogClient extends pg.Client {
  // pg's overloads: (config), (config, values), (config, callback), (config, values, callback).
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: Error | null, result: PgResultLike) => void;
      args[args.length - 1] = (error: Error | null, result: PgResultLike) => callback(error, retypeCharColumns(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(retypeCharColumns) : returned) as never;
  }
}

/**
 * The pg adapter runs a migration script by splitting it at every `;`, which cuts function bodies
 * (and comments holding one) apart. This sends the script whole, as one simple query, as the native
 * schema engine does: PostgreSQL then runs it in one implicit transaction.
 */
function withWholeScripts<T extends SqlDriverAdapter>(adapter: T): T {
  // The pg adapter's own method; the driver adapter interface does not declare it.
  const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      const failure = error as pg.DatabaseError;
      if (!(failure instanceof pg.DatabaseError)) throw error;
      throw new DriverAdapterError({
        kind: 'postgres',
        code: failure.code ?? 'N/A',
        severity: failure.severity ?? 'N/A',
        message: failure.message,
        detail: failure.detail,
        column: failure.column,
        hint: failure.hint,
        originalCode: failure.code,
        originalMessage: failure.message,
      });
    }
  };
  return adapter;
}

export interface CatalogAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/** A driver adapter for the schema engine on `databaseUrl`. */
export function catalogAdapter(databaseUrl: string): CatalogAdapter {
  const { host, port, user, password, database } = parse(databaseUrl);
  const pool = new pg.Pool({
    host: host ?? undefined,
    port: port ? Number(port) : undefined,
    user,
    password,
    database: database ?? undefined,
    max: 2,
    Client: CatalogClient,
  });
  const inner = new PrismaPg(pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      const queryRaw = adapter.queryRaw.bind(adapter);
      adapter.queryRaw = async (query) => {
        const result: SqlResultSet = await queryRaw(query);
        const indexes = charColumns.get(result.rows);
        if (indexes)
          result.columnTypes = result.columnTypes.map((type, i) =>
            indexes.includes(i) ? ColumnTypeEnum.Character : type,
          );
        return result;
      };
      return withWholeScripts(adapter);
    },
    connectToShadowDb: async () => withWholeScripts(await inner.connectToShadowDb()),
  };
  return { factory, close: () => pool.end() };
}
