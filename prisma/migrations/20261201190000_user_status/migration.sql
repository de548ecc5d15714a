-- The presence status a user chooses, with an optional text and expiry. Text held to its values by a
-- CHECK rather than an enum: `users` is a reference table on Citus (docs/citus.md). An expired status
-- counts as `online` with no text until a sweep clears it (src/presence/status-rule.ts).
ALTER TABLE "users" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'online',
  ADD COLUMN "status_text" VARCHAR(100),
  ADD COLUMN "status_expires_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "users_status_check" CHECK ("status" IN ('online', 'away', 'dnd', 'invisible'));

-- The sweep's `status_expires_at <= now()`: only the few rows with an expiry are indexed.
CREATE INDEX "users_status_expires_at_idx" ON "users"("status_expires_at") WHERE "status_expires_at" IS NOT NULL;
