-- CreateTable
CREATE TABLE "outbox_events" (
    "conversation_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("conversation_id","id"),
    CONSTRAINT "outbox_events_kind_check" CHECK ("kind" IN ('message', 'request', 'member_added'))
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "token" VARCHAR(4096) NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "p256dh" VARCHAR(128),
    "auth" VARCHAR(64),
    "name" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("user_id","id"),
    CONSTRAINT "devices_platform_check" CHECK ("platform" IN ('webpush', 'fcm', 'apns'))
);

-- CreateTable
CREATE TABLE "push_deliveries" (
    "user_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "source_id" UUID NOT NULL,
    "collapse_id" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),

    CONSTRAINT "push_deliveries_pkey" PRIMARY KEY ("user_id","id")
);

-- CreateIndex
CREATE INDEX "outbox_events_available_at_idx" ON "outbox_events"("available_at");

-- CreateIndex
CREATE INDEX "outbox_events_created_at_idx" ON "outbox_events"("created_at");

-- CreateIndex
CREATE INDEX "devices_token_hash_idx" ON "devices"("token_hash");

-- CreateIndex
CREATE INDEX "devices_session_id_idx" ON "devices"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "devices_user_id_token_hash_key" ON "devices"("user_id", "token_hash");

-- CreateIndex
CREATE INDEX "push_deliveries_available_at_idx" ON "push_deliveries"("available_at");

-- CreateIndex
CREATE INDEX "push_deliveries_created_at_idx" ON "push_deliveries"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "push_deliveries_user_id_source_id_device_id_key" ON "push_deliveries"("user_id", "source_id", "device_id");

-- AddForeignKey
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "push_deliveries" ADD CONSTRAINT "push_deliveries_user_id_device_id_fkey" FOREIGN KEY ("user_id", "device_id") REFERENCES "devices"("user_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;
