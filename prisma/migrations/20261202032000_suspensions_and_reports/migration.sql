-- A suspension on the user row: set together, cleared together; `until` (when set) after it began.
ALTER TABLE "users" ADD COLUMN     "suspended_at" TIMESTAMPTZ(3),
ADD COLUMN     "suspended_until" TIMESTAMPTZ(3),
ADD COLUMN     "suspension_reason" VARCHAR(500);
ALTER TABLE "users" ADD CONSTRAINT "users_suspension_check" CHECK (
    ("suspended_at" IS NULL) = ("suspension_reason" IS NULL)
    AND ("suspended_until" IS NULL OR ("suspended_at" IS NOT NULL AND "suspended_until" > "suspended_at"))
);

-- CreateTable
CREATE TABLE "reports" (
    "id" UUID NOT NULL,
    "reporter_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "message_id" UUID,
    "conversation_id" UUID,
    "message_body" VARCHAR(4000),
    "reason" VARCHAR(16) NOT NULL,
    "note" VARCHAR(1000),
    "status" VARCHAR(16) NOT NULL DEFAULT 'open',
    "resolution" VARCHAR(16),
    "resolution_note" VARCHAR(1000),
    "resolved_by" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reports_reason_check" CHECK ("reason" IN ('spam', 'abuse', 'harassment', 'other')),
    CONSTRAINT "reports_status_check" CHECK ("status" IN ('open', 'resolved')),
    CONSTRAINT "reports_resolution_check" CHECK ("resolution" IN ('dismiss', 'delete_message', 'suspend_user')),
    -- A message report names the message and its conversation; a user report neither.
    CONSTRAINT "reports_target_check" CHECK (("message_id" IS NULL) = ("conversation_id" IS NULL)),
    -- Resolved exactly when the resolution, who resolved it and when are all there.
    CONSTRAINT "reports_resolved_check" CHECK (
        ("status" = 'resolved') = ("resolution" IS NOT NULL)
        AND ("resolution" IS NULL) = ("resolved_by" IS NULL)
        AND ("resolution" IS NULL) = ("resolved_at" IS NULL)
    )
);

-- The admin list, by status, newest first.
CREATE INDEX "reports_status_created_at_id_idx" ON "reports"("status", "created_at" DESC, "id" DESC);

-- One open report per reporter and message, and per reporter and user among user reports: partial,
-- so a resolved report leaves room for a new one.
CREATE UNIQUE INDEX "reports_open_message_key" ON "reports"("reporter_id", "message_id")
    WHERE "status" = 'open' AND "message_id" IS NOT NULL;
CREATE UNIQUE INDEX "reports_open_user_key" ON "reports"("reporter_id", "user_id")
    WHERE "status" = 'open' AND "message_id" IS NULL;

-- A message found by its id alone (reports, admin deletion).
CREATE INDEX "messages_id_idx" ON "messages"("id");

-- The admin search's email prefix: text_pattern_ops makes LIKE 'abc%' use it whatever the collation.
CREATE INDEX "users_email_prefix_idx" ON "users"("email" text_pattern_ops);

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
