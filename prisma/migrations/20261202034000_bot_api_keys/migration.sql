-- CreateTable
CREATE TABLE "bot_api_keys" (
    "id" UUID NOT NULL,
    "bot_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "bot_api_keys_session_id_key" ON "bot_api_keys"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "bot_api_keys_key_hash_key" ON "bot_api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "bot_api_keys_bot_id_idx" ON "bot_api_keys"("bot_id");

-- AddForeignKey
ALTER TABLE "bot_api_keys" ADD CONSTRAINT "bot_api_keys_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "bot_api_keys" ADD CONSTRAINT "bot_api_keys_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- A stored hash is 64 lower-case hex digits, never a key in clear.
ALTER TABLE "bot_api_keys" ADD CONSTRAINT "bot_api_keys_key_hash_check" CHECK ("key_hash" ~ '^[0-9a-f]{64}$');
