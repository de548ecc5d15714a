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

-- A send now also writes the message's outbox event, in the same function and transaction.
CREATE OR REPLACE FUNCTION send_message(
    p_conversation_id UUID,
    p_id UUID,
    p_sender_id UUID,
    p_client_message_id UUID,
    p_body TEXT,
    p_reply_to_id UUID,
    p_attachments JSONB
) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
    v_last_seq INTEGER;
    v_version BIGINT;
    v_message messages;
    v_created BOOLEAN := FALSE;
BEGIN
    -- Every change to a conversation's messages locks its row first: that numbers them (seq and
    -- version) in commit order, with no gaps. A membership change takes the same lock.
    SELECT last_seq INTO v_last_seq FROM conversations WHERE id = p_conversation_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- Each statement sees what committed before it began: a copy of this send that held the lock
    -- before this one is found here, so two copies racing store one message.
    SELECT * INTO v_message FROM messages
    WHERE conversation_id = p_conversation_id AND sender_id = p_sender_id AND client_message_id = p_client_message_id;
    IF NOT FOUND THEN
        UPDATE conversation_members SET last_read_seq = v_last_seq + 1
        WHERE conversation_id = p_conversation_id AND user_id = p_sender_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        UPDATE conversations SET last_seq = last_seq + 1, version = version + 1, last_activity_at = now()
        WHERE id = p_conversation_id
        RETURNING last_seq, version INTO v_last_seq, v_version;
        INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, reply_to_id,
                              attachments, created_version, version)
        VALUES (p_id, p_conversation_id, v_last_seq, p_sender_id, p_client_message_id, p_body, p_reply_to_id,
                p_attachments, v_version, v_version)
        RETURNING * INTO v_message;
        -- Its notifications and pushes, as durable as the message: the outbox row commits with it.
        -- Keyed by the message's id, which makes it one per message.
        INSERT INTO outbox_events (conversation_id, id, kind, payload)
        VALUES (p_conversation_id, p_id, 'message',
                jsonb_build_object('messageId', p_id, 'senderId', p_sender_id, 'seq', v_last_seq));
        v_created := TRUE;
    END IF;
    RETURN jsonb_build_object(
        'id', v_message.id,
        'conversationId', v_message.conversation_id,
        'seq', v_message.seq,
        'senderId', v_message.sender_id,
        'clientMessageId', v_message.client_message_id,
        'body', v_message.body,
        'replyToId', v_message.reply_to_id,
        'attachments', v_message.attachments,
        'reactions', v_message.reactions,
        'createdAt', v_message.created_at,
        'editedAt', v_message.edited_at,
        'deletedAt', v_message.deleted_at,
        'version', v_message.version::text,
        'created', v_created
    );
END
$$;
