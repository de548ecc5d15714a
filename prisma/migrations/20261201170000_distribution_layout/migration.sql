-- The schema made distributable on Citus (docs/citus.md), keeping every row. A table split into
-- shards needs its distribution column in every primary and unique key and in every foreign key to
-- a table split the same way, refuses foreign keys that cascade updates of that column, and cannot
-- return enum columns from its writes.

-- Foreign keys come back at the end, with ON UPDATE NO ACTION (ids never change).
ALTER TABLE "blocks" DROP CONSTRAINT "blocks_blocked_id_fkey";
ALTER TABLE "blocks" DROP CONSTRAINT "blocks_blocker_id_fkey";
ALTER TABLE "conversation_members" DROP CONSTRAINT "conversation_members_conversation_id_fkey";
ALTER TABLE "conversation_members" DROP CONSTRAINT "conversation_members_user_id_fkey";
ALTER TABLE "message_reactions" DROP CONSTRAINT "message_reactions_message_id_fkey";
ALTER TABLE "message_reactions" DROP CONSTRAINT "message_reactions_user_id_fkey";
ALTER TABLE "messages" DROP CONSTRAINT "messages_conversation_id_fkey";
ALTER TABLE "messages" DROP CONSTRAINT "messages_sender_id_fkey";
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_user_id_fkey";
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_id_fkey";

-- Enums become text held to the same values by CHECK constraints.
ALTER TABLE "conversations" ALTER COLUMN "type" SET DATA TYPE TEXT USING "type"::text,
  ADD CONSTRAINT "conversations_type_check" CHECK ("type" IN ('direct', 'group'));
ALTER TABLE "conversation_members"
  ALTER COLUMN "role" DROP DEFAULT,
  ALTER COLUMN "role" SET DATA TYPE TEXT USING "role"::text,
  ALTER COLUMN "role" SET DEFAULT 'member',
  ADD CONSTRAINT "conversation_members_role_check" CHECK ("role" IN ('owner', 'admin', 'member')),
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" SET DATA TYPE TEXT USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'accepted',
  ADD CONSTRAINT "conversation_members_status_check" CHECK ("status" IN ('pending', 'accepted', 'declined'));
ALTER TABLE "notifications" ALTER COLUMN "kind" SET DATA TYPE TEXT USING "kind"::text,
  ADD CONSTRAINT "notifications_kind_check" CHECK ("kind" IN ('message', 'mention', 'request', 'member_added'));
DROP TYPE "ConversationType";
DROP TYPE "MemberRole";
DROP TYPE "MemberStatus";
DROP TYPE "NotificationKind";

-- One direct conversation per pair: the pair's key moves to a table keyed by it.
CREATE TABLE "direct_pairs" (
    "pair_key" VARCHAR(73) NOT NULL,
    "conversation_id" UUID NOT NULL,

    CONSTRAINT "direct_pairs_pkey" PRIMARY KEY ("pair_key")
);
INSERT INTO "direct_pairs" ("pair_key", "conversation_id")
  SELECT "direct_key", "id" FROM "conversations" WHERE "direct_key" IS NOT NULL;
DROP INDEX "conversations_direct_key_key";
ALTER TABLE "conversations" DROP COLUMN "direct_key";

-- Messages keyed within their conversation; a clientMessageId is unique per conversation and sender.
ALTER TABLE "messages" DROP CONSTRAINT "messages_pkey",
  ADD CONSTRAINT "messages_pkey" PRIMARY KEY ("conversation_id", "id");
DROP INDEX "messages_sender_id_client_message_id_key";
CREATE UNIQUE INDEX "messages_conversation_id_sender_id_client_message_id_key"
  ON "messages"("conversation_id", "sender_id", "client_message_id");

-- Reactions carry their message's conversation.
ALTER TABLE "message_reactions" ADD COLUMN "conversation_id" UUID;
UPDATE "message_reactions" r SET "conversation_id" = m."conversation_id" FROM "messages" m WHERE m."id" = r."message_id";
ALTER TABLE "message_reactions" ALTER COLUMN "conversation_id" SET NOT NULL,
  DROP CONSTRAINT "message_reactions_pkey",
  ADD CONSTRAINT "message_reactions_pkey" PRIMARY KEY ("conversation_id", "message_id", "user_id", "emoji");

-- Notifications keyed within their user.
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_pkey",
  ADD CONSTRAINT "notifications_pkey" PRIMARY KEY ("user_id", "id");

ALTER TABLE "blocks" ADD CONSTRAINT "blocks_blocker_id_fkey" FOREIGN KEY ("blocker_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_blocked_id_fkey" FOREIGN KEY ("blocked_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "conversation_members" ADD CONSTRAINT "conversation_members_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "conversation_members" ADD CONSTRAINT "conversation_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_conversation_id_message_id_fkey" FOREIGN KEY ("conversation_id", "message_id") REFERENCES "messages"("conversation_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
