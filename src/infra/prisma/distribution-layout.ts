// Where every table lives on a Citus cluster. One list for `npm run db:citus`, which distributes the
// schema in this order, and for the layout test, which fails when a table is missing from it or
// breaks a rule Citus enforces (keys and foreign keys without the distribution column, enum columns,
// foreign keys that cascade updates). A single PostgreSQL ignores it.

/** A table copied whole to every node: small, read by joins with any shard, written rarely. */
export interface ReferenceTable {
  kind: 'reference';
}

/** A table split into shards by `column`. */
export interface DistributedTable {
  kind: 'distributed';
  column: string;
  /** The table whose shards it is placed with (joins and writes on the same value stay on one node), or `none` to start a group. */
  colocateWith: string;
}

/** A table that stays on the coordinator only (the migration history). */
export interface LocalTable {
  kind: 'local';
}

export type Placement = ReferenceTable | DistributedTable | LocalTable;

const reference: ReferenceTable = { kind: 'reference' };
const byConversation = (column: string): DistributedTable => ({
  kind: 'distributed',
  column,
  colocateWith: 'conversations',
});

const byUser: DistributedTable = { kind: 'distributed', column: 'user_id', colocateWith: 'notifications' };

/**
 * In the order they are distributed: reference tables, then each group's first table before the
 * tables placed with it. Users, their sessions and blocks are reference tables: every
 * conversation query joins them. A conversation's content is placed by `conversation_id`; what
 * belongs to one user by `user_id`.
 */
export const TABLE_LAYOUT: Readonly<Record<string, Placement>> = {
  users: reference,
  sessions: reference,
  blocks: reference,
  // Written by admin actions in their own transactions, whatever table they change; rare and small.
  audit_log: reference,
  // Written by admins, read by every delivery claim and every recorded event: a few rows at most.
  webhooks: reference,
  // Reports point at users (reference) and at messages of any conversation; read by admins across
  // all of them, written rarely (rate limited, one open per reporter and target).
  reports: reference,
  // Looked up by key hash, not by user, on every request of a bot, with its session (a reference table).
  bot_api_keys: reference,
  // One row per retention period (a day), claimed by the one instance that runs it.
  retention_runs: reference,
  conversations: { kind: 'distributed', column: 'id', colocateWith: 'none' },
  conversation_members: byConversation('conversation_id'),
  messages: byConversation('conversation_id'),
  message_reactions: byConversation('conversation_id'),
  // A send writes its message and its outbox event on the same node.
  outbox_events: byConversation('conversation_id'),
  message_attachments: byConversation('conversation_id'),
  // Written by the send with its message, and read with the conversation's messages and members.
  message_mentions: byConversation('conversation_id'),
  thread_subscriptions: byConversation('conversation_id'),
  message_pins: byConversation('conversation_id'),
  // Checked in the transaction that adds members, under the conversation's row lock.
  conversation_bans: byConversation('conversation_id'),
  // Makes a direct conversation one per pair: its key is the pair, which the conversation's id is not.
  direct_pairs: { kind: 'distributed', column: 'pair_key', colocateWith: 'none' },
  notifications: { kind: 'distributed', column: 'user_id', colocateWith: 'none' },
  devices: byUser,
  push_deliveries: byUser,
  // A user's archives of their data, and the erasure of a deleted account's messages: one user's work each.
  data_exports: byUser,
  account_erasures: byUser,
  // Read by id (completion, links, attaching); placed by its own id, as it belongs to no conversation yet.
  uploads: { kind: 'distributed', column: 'id', colocateWith: 'none' },
  // Events of every conversation and of none (reports, suspensions): placed by the webhook they go to.
  webhook_deliveries: { kind: 'distributed', column: 'webhook_id', colocateWith: 'none' },
  _prisma_migrations: { kind: 'local' },
};

/** A function run whole on the node that holds the shard of its `argument`. */
export interface DistributedFunction {
  name: string;
  argument: string;
  colocateWith: string;
}

export const FUNCTION_LAYOUT: readonly DistributedFunction[] = [
  { name: 'send_message', argument: 'p_conversation_id', colocateWith: 'conversations' },
];
