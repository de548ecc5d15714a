-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "refresh_times" TIMESTAMPTZ(3)[] DEFAULT ARRAY[]::TIMESTAMPTZ(3)[];
