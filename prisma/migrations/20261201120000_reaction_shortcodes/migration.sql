-- A shortcode reaction is up to 32 characters between two colons.
-- AlterTable
ALTER TABLE "message_reactions" ALTER COLUMN "emoji" SET DATA TYPE VARCHAR(34);
