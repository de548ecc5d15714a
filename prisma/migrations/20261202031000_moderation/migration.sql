-- Group moderation: slow mode and freeze on the conversation, the moderation mute on the member
-- (apart from `muted`, the member's own notification setting), and bans.

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "frozen" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "slow_mode_seconds" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "conversations"
  ADD CONSTRAINT "conversations_slow_mode_seconds_check" CHECK ("slow_mode_seconds" BETWEEN 0 AND 3600);

-- AlterTable
ALTER TABLE "conversation_members" ADD COLUMN     "moderation_muted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "moderation_muted_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "conversation_bans" (
    "conversation_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "banned_by" UUID NOT NULL,
    "reason" VARCHAR(500),
    "until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_bans_pkey" PRIMARY KEY ("conversation_id","user_id")
);

-- CreateIndex
CREATE INDEX "conversation_bans_conversation_id_created_at_user_id_idx" ON "conversation_bans"("conversation_id", "created_at" DESC, "user_id" DESC);

-- AddForeignKey
ALTER TABLE "conversation_bans" ADD CONSTRAINT "conversation_bans_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
