-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "name" VARCHAR(255) NOT NULL,
    "mime_type" VARCHAR(127) NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "has_thumbnail" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attached_at" TIMESTAMPTZ(3),

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "uploads_status_check" CHECK ("status" IN ('pending', 'ready', 'rejected', 'deleting'))
);

-- CreateTable
CREATE TABLE "message_attachments" (
    "conversation_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "message_attachments_pkey" PRIMARY KEY ("conversation_id","message_id","upload_id")
);

-- CreateIndex
CREATE INDEX "uploads_created_at_idx" ON "uploads"("created_at");

-- CreateIndex
CREATE INDEX "message_attachments_upload_id_idx" ON "message_attachments"("upload_id");

-- CreateIndex
CREATE INDEX "message_attachments_released_at_idx" ON "message_attachments"("released_at");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "message_attachments" ADD CONSTRAINT "message_attachments_conversation_id_message_id_fkey" FOREIGN KEY ("conversation_id", "message_id") REFERENCES "messages"("conversation_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- A send now also writes its message's outbox event (see 20261201191430_outbox_and_devices) and
-- records the uploads the message carries, in the same function and transaction.
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
        -- The uploads it carries, which decide who may get links to them (resolved by the caller to
        -- the sender's own ready uploads).
        INSERT INTO message_attachments (conversation_id, message_id, upload_id)
        SELECT DISTINCT p_conversation_id, p_id, (attachment->>'uploadId')::uuid
        FROM jsonb_array_elements(p_attachments) AS attachment
        WHERE attachment ? 'uploadId';
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
