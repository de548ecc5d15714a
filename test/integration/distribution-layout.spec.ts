// The migrated schema against its Citus layout (src/infra/prisma/distribution-layout.ts). Citus is not
// available here: this checks the rules Citus enforces, so that a new table or key that would not
// distribute fails the suite here rather than on a cluster.
import pg from 'pg';
import { FUNCTION_LAYOUT, TABLE_LAYOUT, type Placement } from '#src/infra/prisma/distribution-layout.js';
import { layoutViolations } from '../support/distribution-rules.js';
import { testDatabaseUrl } from '../support/test-config.js';

const client = new pg.Client({ connectionString: testDatabaseUrl() });
beforeAll(() => client.connect());
afterAll(() => client.end());

describe('the migrated schema', () => {
  it('places every table and keeps every rule of the layout', async () => {
    expect(await layoutViolations(client, 'public', TABLE_LAYOUT, FUNCTION_LAYOUT)).toEqual([]);
  });

  it('keeps a conversation’s content and outbox with the conversation, a user’s notifications and devices by user, users as reference', () => {
    const placements = Object.entries(TABLE_LAYOUT).filter(([, placement]) => placement.kind !== 'local');
    expect(Object.fromEntries(placements)).toEqual({
      users: { kind: 'reference' },
      sessions: { kind: 'reference' },
      blocks: { kind: 'reference' },
      audit_log: { kind: 'reference' },
      webhooks: { kind: 'reference' },
      reports: { kind: 'reference' },
      bot_api_keys: { kind: 'reference' },
      retention_runs: { kind: 'reference' },
      conversations: { kind: 'distributed', column: 'id', colocateWith: 'none' },
      conversation_members: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      messages: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      message_reactions: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      outbox_events: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      message_attachments: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      message_mentions: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      thread_subscriptions: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      message_pins: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      conversation_bans: { kind: 'distributed', column: 'conversation_id', colocateWith: 'conversations' },
      direct_pairs: { kind: 'distributed', column: 'pair_key', colocateWith: 'none' },
      notifications: { kind: 'distributed', column: 'user_id', colocateWith: 'none' },
      devices: { kind: 'distributed', column: 'user_id', colocateWith: 'notifications' },
      push_deliveries: { kind: 'distributed', column: 'user_id', colocateWith: 'notifications' },
      data_exports: { kind: 'distributed', column: 'user_id', colocateWith: 'notifications' },
      account_erasures: { kind: 'distributed', column: 'user_id', colocateWith: 'notifications' },
      uploads: { kind: 'distributed', column: 'id', colocateWith: 'none' },
      webhook_deliveries: { kind: 'distributed', column: 'webhook_id', colocateWith: 'none' },
    });
  });
});

describe('the layout rules', () => {
  // A schema of its own holding one table for each way to break a rule.
  const schema = 'layout_probe';
  const layout: Record<string, Placement> = {
    people: { kind: 'reference' },
    rooms: { kind: 'distributed', column: 'id', colocateWith: 'none' },
    posts: { kind: 'distributed', column: 'room_id', colocateWith: 'rooms' },
    likes: { kind: 'distributed', column: 'room_id', colocateWith: 'rooms' },
    inbox: { kind: 'distributed', column: 'person_id', colocateWith: 'none' },
    badges: { kind: 'reference' },
    orphans: { kind: 'distributed', column: 'room_id', colocateWith: 'later' },
    later: { kind: 'distributed', column: 'id', colocateWith: 'none' },
  };

  beforeAll(async () => {
    await client.query(
      `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`,
    );
    await client.query(`
      CREATE TYPE mood AS ENUM ('glad', 'sad');
      CREATE TABLE people (id uuid PRIMARY KEY, email text UNIQUE);
      CREATE TABLE rooms (id uuid PRIMARY KEY, slug text UNIQUE, mood mood);
      CREATE TABLE posts (room_id uuid NOT NULL, id uuid PRIMARY KEY, author_id uuid REFERENCES people(id),
                          UNIQUE (room_id, id),
                          FOREIGN KEY (room_id) REFERENCES rooms(id) ON UPDATE CASCADE);
      CREATE TABLE likes (room_id uuid, post_id uuid NOT NULL,
                          FOREIGN KEY (post_id) REFERENCES posts(id) ON DELETE SET NULL);
      CREATE TABLE inbox (person_id uuid NOT NULL, post_room uuid, post_id uuid,
                          FOREIGN KEY (post_room, post_id) REFERENCES posts(room_id, id));
      CREATE TABLE badges (room_id uuid REFERENCES rooms(id));
      CREATE TABLE orphans (room_id uuid NOT NULL);
      CREATE TABLE later (id uuid PRIMARY KEY);
      CREATE TABLE unplaced (id int);
      CREATE FUNCTION post_in(p_room uuid, body text) RETURNS int LANGUAGE sql AS 'SELECT 1';
      CREATE FUNCTION typed(p_room text) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';
      RESET search_path`);
  });
  afterAll(() => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  it('find each way a schema breaks them', async () => {
    const problems = await layoutViolations(client, schema, layout, [
      { name: 'post_in', argument: 'p_room', colocateWith: 'rooms' },
      { name: 'typed', argument: 'p_room', colocateWith: 'rooms' },
      { name: 'missing', argument: 'p_room', colocateWith: 'rooms' },
    ]);
    expect(problems.sort()).toEqual(
      [
        'unplaced: not in the layout',
        'likes.room_id: the distribution column may be null',
        'orphans: colocated with later, which is no distributed table before it',
        'rooms.mood: an enum column (use text with a CHECK constraint)',
        'rooms: unique index rooms_slug_key lacks the distribution column id',
        'posts: unique index posts_pkey lacks the distribution column room_id',
        'posts: foreign key posts_room_id_fkey holds the distribution column and is not ON UPDATE NO ACTION',
        'likes: foreign key likes_post_id_fkey does not match room_id to posts.room_id',
        'inbox: foreign key inbox_post_room_post_id_fkey to posts, which is not colocated with it',
        'badges: foreign key badges_room_id_fkey from a reference table to a distributed one',
        'function post_in: LANGUAGE sql, not plpgsql',
        'function typed: p_room is not of the type rooms is distributed by',
        'function missing: 0 functions of that name (one expected)',
      ].sort(),
    );
  });
});
