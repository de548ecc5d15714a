-- AlterTable
ALTER TABLE "conversation_members" ADD COLUMN     "last_delivered_seq" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "read_receipts" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "show_last_seen" BOOLEAN NOT NULL DEFAULT true;
