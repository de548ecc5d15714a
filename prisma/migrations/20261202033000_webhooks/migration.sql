-- Webhooks: endpoints system admins subscribe to events, and their deliveries (an outbox of its own).

-- CreateTable
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "events" TEXT[],
    "secret" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id"),
    -- One or more known event types (src/webhooks/webhook-event-types.ts).
    CONSTRAINT "webhooks_events_check" CHECK (
        "events" IS NOT NULL AND cardinality("events") >= 1 AND "events" <@ ARRAY[
            'message.created', 'message.updated', 'message.deleted', 'member.added', 'member.removed',
            'conversation.created', 'report.created', 'user.suspended'
        ]::text[]
    )
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "webhook_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "body" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("webhook_id","id"),
    CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'))
);

-- CreateIndex
CREATE INDEX "webhooks_events_idx" ON "webhooks" USING GIN ("events");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_created_at_id_idx" ON "webhook_deliveries"("webhook_id", "created_at" DESC, "id" DESC);

-- CreateIndex: only pending rows are ever due.
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("available_at") WHERE "status" = 'pending';

-- CreateIndex
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries"("created_at") WHERE "status" = 'pending';

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_event_id_key" ON "webhook_deliveries"("webhook_id", "event_id");

-- AddForeignKey: a deleted webhook's deliveries go with it, so none is attempted after.
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
