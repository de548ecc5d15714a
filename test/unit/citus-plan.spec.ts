// Citus is not available here, so these tests cannot show that Citus accepts the statements. They
// show what the planner decides from a given state of the catalogs: the order of the statements,
// that what is already placed is skipped, that a table placed otherwise is refused, and the quoting.
// The argument forms (quoted names for table_name and colocate_with, the bare column name for
// distribution_column) follow Citus's source, which these tests do not run.
import {
  DistributionError,
  planDistribution,
  type CitusFunction,
  type CitusTable,
  type DatabaseState,
  type ForeignKey,
  type Layout,
} from '#src/infra/prisma/citus-plan.js';
import { FUNCTION_LAYOUT, TABLE_LAYOUT } from '#src/infra/prisma/distribution-layout.js';

const fk = (table: string, referencedTable: string, column: string): ForeignKey => ({
  table,
  referencedTable,
  name: `${table}_${column}_fkey`,
  definition: `FOREIGN KEY (${column}) REFERENCES ${referencedTable}(id) ON DELETE CASCADE`,
});

/** The migrated schema's foreign keys, built from the layout's tables. */
const FOREIGN_KEYS: ForeignKey[] = [
  fk('sessions', 'users', 'user_id'),
  fk('blocks', 'users', 'blocker_id'),
  fk('conversation_members', 'conversations', 'conversation_id'),
  fk('conversation_members', 'users', 'user_id'),
  fk('messages', 'conversations', 'conversation_id'),
  fk('messages', 'users', 'sender_id'),
  fk('notifications', 'users', 'user_id'),
  fk('outbox_events', 'conversations', 'conversation_id'),
  fk('devices', 'users', 'user_id'),
  fk('push_deliveries', 'devices', 'device_id'),
];

const sendMessage = (placed: Partial<CitusFunction> = {}): CitusFunction => ({
  signature: 'send_message(uuid,uuid,uuid,uuid,text,uuid,jsonb)',
  argumentNames: ['p_conversation_id', 'p_id', 'p_sender_id', 'p_client_message_id', 'p_body', 'p_reply_to_id'],
  distributionArgumentIndex: null,
  colocationId: null,
  ...placed,
});

const state = (placed: [string, CitusTable][] = [], fn: CitusFunction = sendMessage()): DatabaseState => ({
  placed: new Map(placed),
  foreignKeys: FOREIGN_KEYS,
  functions: new Map([['send_message', [fn]]]),
});

const reference: CitusTable = { partmethod: 'n', repmodel: 't', column: null, colocationId: 1 };
const hash = (column: string, colocationId: number): CitusTable => ({
  partmethod: 'h',
  repmodel: 's',
  column,
  colocationId,
});

/** What Citus holds once the whole layout is placed: one colocation group per group's first table. */
function fullyPlaced(): [string, CitusTable][] {
  const groups = new Map<string, number>();
  return Object.entries(TABLE_LAYOUT).flatMap(([table, placement]): [string, CitusTable][] => {
    if (placement.kind === 'reference') return [[table, reference]];
    if (placement.kind === 'local') return [];
    const group = placement.colocateWith === 'none' ? groups.size + 2 : groups.get(placement.colocateWith)!;
    groups.set(table, group);
    return [[table, hash(placement.column, group)]];
  });
}

const indexOf = (plan: string[], pattern: RegExp) => plan.findIndex((statement) => pattern.test(statement));
const lastIndexOf = (plan: string[], pattern: RegExp) => plan.findLastIndex((statement) => pattern.test(statement));
const creates = /create_(reference|distributed)_table|create_distributed_function/;
const tableOf = (table: string) => new RegExp(`\\('"public"\\."${table}"'`);

describe('planning the distribution of an undistributed schema', () => {
  const plan = planDistribution(state());
  const tables = (kind: 'reference' | 'distributed') =>
    Object.entries(TABLE_LAYOUT).filter(([, placement]) => placement.kind === kind);

  it('makes every reference table before any distributed one', () => {
    const lastReference = lastIndexOf(plan, /create_reference_table/);
    expect(tables('reference').map(([table]) => indexOf(plan, tableOf(table)))).not.toContain(-1);
    expect(lastReference).toBeLessThan(indexOf(plan, /create_distributed_table/));
  });

  it("distributes each group's first table before the tables placed with it, colocated by name", () => {
    for (const [table, placement] of tables('distributed')) {
      if (placement.kind !== 'distributed') continue;
      const at = indexOf(plan, tableOf(table));
      expect(plan[at]).toContain(`'${placement.column}'`);
      if (placement.colocateWith === 'none') {
        expect(plan[at]).toContain("colocate_with => 'none'");
      } else {
        expect(plan[at]).toContain(`colocate_with => '"public"."${placement.colocateWith}"'`);
        expect(indexOf(plan, tableOf(placement.colocateWith))).toBeLessThan(at);
      }
    }
  });

  it('drops every foreign key before the first create_* and re-adds it as it was after the last', () => {
    const firstCreate = indexOf(plan, creates);
    const lastTable = lastIndexOf(plan, /create_(reference|distributed)_table/);
    for (const key of FOREIGN_KEYS) {
      const drop = plan.indexOf(`ALTER TABLE "public"."${key.table}" DROP CONSTRAINT "${key.name}"`);
      const add = plan.indexOf(`ALTER TABLE "public"."${key.table}" ADD CONSTRAINT "${key.name}" ${key.definition}`);
      expect(drop).toBeGreaterThanOrEqual(0);
      expect(drop).toBeLessThan(firstCreate);
      expect(add).toBeGreaterThan(lastTable);
    }
  });

  it('distributes the functions last, by their argument, with their table', () => {
    const [fn] = FUNCTION_LAYOUT;
    expect(plan.at(-1)).toBe(
      "SELECT create_distributed_function('send_message(uuid,uuid,uuid,uuid,text,uuid,jsonb)'::regprocedure, " +
        `distribution_arg_name => '${fn.argument}', colocate_with => '"public"."${fn.colocateWith}"')`,
    );
    expect(plan.filter((statement) => /ADD CONSTRAINT/.test(statement)).length).toBe(FOREIGN_KEYS.length);
  });

  it('leaves the local tables alone', () => {
    const local = Object.keys(TABLE_LAYOUT).filter((table) => TABLE_LAYOUT[table].kind === 'local');
    expect(local.length).toBeGreaterThan(0);
    for (const table of local) expect(plan.some((statement) => statement.includes(`"${table}"`))).toBe(false);
  });
});

describe('planning on a database Citus already holds', () => {
  it('plans nothing when every table and function is placed', () => {
    const placed = fullyPlaced();
    const conversations = placed.find(([table]) => table === 'conversations')![1];
    const fn = sendMessage({ distributionArgumentIndex: 0, colocationId: conversations.colocationId });
    expect(planDistribution(state(placed, fn))).toEqual([]);
  });

  it('plans only the rest, dropping and re-adding only the foreign keys touching it', () => {
    const placed = fullyPlaced().filter(([table]) => !['messages', 'push_deliveries'].includes(table));
    const plan = planDistribution(state(placed));
    const touched = FOREIGN_KEYS.filter((key) => ['messages', 'push_deliveries'].includes(key.table));

    expect(plan.filter((statement) => creates.test(statement))).toEqual([
      expect.stringMatching(tableOf('messages')),
      expect.stringMatching(tableOf('push_deliveries')),
      expect.stringContaining('create_distributed_function'),
    ]);
    const dropped = plan.filter((statement) => statement.includes('DROP CONSTRAINT'));
    expect(dropped).toEqual(touched.map((key) => `ALTER TABLE "public"."${key.table}" DROP CONSTRAINT "${key.name}"`));
    expect(plan.filter((statement) => statement.includes('ADD CONSTRAINT'))).toHaveLength(touched.length);
  });

  it('plans only the function when the tables are placed', () => {
    expect(planDistribution(state(fullyPlaced()))).toEqual([expect.stringContaining('create_distributed_function')]);
  });

  it('treats a function Citus merely records (no distribution argument) as not distributed yet', () => {
    const fn = sendMessage({ distributionArgumentIndex: null, colocationId: null });
    expect(planDistribution(state(fullyPlaced(), fn))).toHaveLength(1);
  });
});

describe('refusing a database placed otherwise than the layout', () => {
  const withTable = (table: string, current: CitusTable) =>
    fullyPlaced().map(([name, placed]): [string, CitusTable] => [name, name === table ? current : placed]);

  it('names a table distributed by another column', () => {
    expect(() => planDistribution(state(withTable('messages', hash('sender_id', 2))))).toThrow(
      new DistributionError(
        'Table messages is distributed by sender_id but the layout has it distributed by conversation_id; ' +
          'undistribute it (undistribute_table) or change TABLE_LAYOUT',
      ),
    );
  });

  it('names a table made a reference table that the layout distributes, and the reverse', () => {
    expect(() => planDistribution(state(withTable('notifications', reference)))).toThrow(
      /notifications is a reference table but the layout has it distributed by user_id/,
    );
    expect(() => planDistribution(state(withTable('users', hash('id', 9))))).toThrow(
      /users is distributed by id but the layout has it a reference table/,
    );
  });

  it('names a Citus local table and a distributed table the layout keeps local', () => {
    const local: CitusTable = { partmethod: 'n', repmodel: 's', column: null, colocationId: 0 };
    expect(() => planDistribution(state(withTable('sessions', local)))).toThrow(/sessions is a Citus local table/);
    expect(() => planDistribution(state([...fullyPlaced(), ['_prisma_migrations', reference]]))).toThrow(
      /_prisma_migrations is a reference table but the layout has it local to the coordinator/,
    );
  });

  it('names a table not colocated with the table the layout places it with', () => {
    expect(() => planDistribution(state(withTable('messages', hash('conversation_id', 99))))).toThrow(
      /messages is distributed but not colocated with conversations/,
    );
  });

  it('names a function distributed by another argument, a missing function and an overloaded one', () => {
    const byId = sendMessage({ distributionArgumentIndex: 1, colocationId: 2 });
    expect(() => planDistribution(state(fullyPlaced(), byId))).toThrow(
      /send_message is distributed by p_id .* but the layout has it distributed by p_conversation_id/,
    );
    expect(() => planDistribution({ ...state(), functions: new Map() })).toThrow(
      /Function send_message does not exist: apply the migrations first/,
    );
    expect(() =>
      planDistribution({ ...state(), functions: new Map([['send_message', [sendMessage(), sendMessage()]]]) }),
    ).toThrow(/send_message has 2 overloads/);
  });
});

describe('quoting', () => {
  const layout: Layout = {
    tables: {
      'Odd "Name"': { kind: 'reference' },
      "it's": { kind: 'distributed', column: 'Key "A"', colocateWith: 'none' },
      'with it': { kind: 'distributed', column: "o'k", colocateWith: "it's" },
    },
    functions: [{ name: 'f', argument: "a'b", colocateWith: "it's" }],
  };
  const odd: DatabaseState = {
    placed: new Map(),
    foreignKeys: [
      {
        table: 'with it',
        referencedTable: 'Odd "Name"',
        name: 'a "b" c',
        definition: 'FOREIGN KEY ("x") REFERENCES "Odd ""Name"""(id)',
      },
    ],
    functions: new Map([
      ['f', [{ signature: `"F"(text)`, argumentNames: ["a'b"], distributionArgumentIndex: null, colocationId: null }]],
    ]),
  };

  it('quotes identifiers in statements and in the names Citus parses, and escapes literals', () => {
    expect(planDistribution(odd, layout)).toEqual([
      'ALTER TABLE "public"."with it" DROP CONSTRAINT "a ""b"" c"',
      `SELECT create_reference_table('"public"."Odd ""Name"""')`,
      `SELECT create_distributed_table('"public"."it''s"', 'Key "A"', colocate_with => 'none')`,
      `SELECT create_distributed_table('"public"."with it"', 'o''k', colocate_with => '"public"."it''s"')`,
      'ALTER TABLE "public"."with it" ADD CONSTRAINT "a ""b"" c" FOREIGN KEY ("x") REFERENCES "Odd ""Name"""(id)',
      `SELECT create_distributed_function('"F"(text)'::regprocedure, distribution_arg_name => 'a''b', colocate_with => '"public"."it''s"')`,
    ]);
  });

  it('refuses a layout whose colocated table names no distributed table before it', () => {
    const broken: Layout = { tables: { a: { kind: 'distributed', column: 'id', colocateWith: 'b' } }, functions: [] };
    expect(() => planDistribution({ ...odd, foreignKeys: [] }, broken)).toThrow(
      /Table a is placed with b, which is not a distributed table before it/,
    );
  });
});
