-- CreateTable
CREATE TABLE "data_exports" (
    "user_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "active" BOOLEAN DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "size" BIGINT,

    CONSTRAINT "data_exports_pkey" PRIMARY KEY ("user_id","id"),
    CONSTRAINT "data_exports_status_check" CHECK ("status" IN ('pending', 'running', 'ready', 'failed', 'expired')),
    -- `active` is what makes one export in progress per user: true exactly while it is.
    CONSTRAINT "data_exports_active_check" CHECK (
        ("active" IS TRUE AND "status" IN ('pending', 'running'))
        OR ("active" IS NULL AND "status" NOT IN ('pending', 'running')))
);

-- CreateTable
CREATE TABLE "account_erasures" (
    "user_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),

    CONSTRAINT "account_erasures_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "retention_runs" (
    "slot" BIGINT NOT NULL,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "erased" INTEGER NOT NULL DEFAULT 0,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "retention_runs_pkey" PRIMARY KEY ("slot")
);

-- CreateIndex
CREATE INDEX "data_exports_due_idx" ON "data_exports"("available_at") WHERE "active";

-- CreateIndex
CREATE INDEX "data_exports_expiry_idx" ON "data_exports"("expires_at") WHERE "status" = 'ready';

-- CreateIndex
-- Nulls never collide: the rows of finished exports (active null) are not limited.
CREATE UNIQUE INDEX "data_exports_user_id_active_key" ON "data_exports"("user_id", "active");

-- CreateIndex
CREATE INDEX "account_erasures_available_at_idx" ON "account_erasures"("available_at");

-- CreateIndex
CREATE INDEX "messages_sender_idx" ON "messages"("sender_id", "conversation_id", "seq");

-- CreateIndex
CREATE INDEX "messages_retention_idx" ON "messages"("created_at") WHERE "deleted_at" IS NULL;

-- CreateIndex
CREATE INDEX "uploads_user_id_created_at_idx" ON "uploads"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "data_exports" ADD CONSTRAINT "data_exports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "account_erasures" ADD CONSTRAINT "account_erasures_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
