-- A send: the message stored under the conversation's next seq, the sender's read mark moved to it,
-- unless the sender already stored one with this client id in this conversation. A function so that
-- it is one round trip from the app and, on Citus, runs whole on the node holding the conversation
-- (distributed by p_conversation_id, see distribution-layout.ts); PL/pgSQL, since Citus cannot
-- distribute a LANGUAGE sql function. Returns the message as JSON with `created`, or NULL when the
-- conversation is gone or the sender is not a member once it is locked.
CREATE FUNCTION send_message(
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
