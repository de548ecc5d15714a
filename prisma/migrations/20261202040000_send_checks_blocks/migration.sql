-- A send checks blocks itself (direct conversations), in the statement that stores the message.
CREATE OR REPLACE FUNCTION send_message(
    p_conversation_id UUID,
    p_id UUID,
    p_sender_id UUID,
    p_client_message_id UUID,
    p_body TEXT,
    p_reply_to_id UUID,
    p_attachments JSONB,
    p_thread_root_id UUID,
    p_mention_names TEXT[],
    p_mention_all BOOLEAN
) RETURNS SETOF messages LANGUAGE plpgsql AS $$
DECLARE
    v_conversation conversations;
    v_role TEXT;
    v_version BIGINT;
    v_message messages;
    v_root_sender UUID;
    v_mentions UUID[] := '{}';
    v_all BOOLEAN;
    v_reply BOOLEAN := p_thread_root_id IS NOT NULL;
BEGIN
    -- Every change to a conversation's messages locks its row first: that numbers them (seq and
    -- version) in commit order, with no gaps. A membership change takes the same lock.
    SELECT * INTO v_conversation FROM conversations WHERE id = p_conversation_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Each statement sees what committed before it began: a copy of this send that held the lock
    -- before this one is found here, so two copies racing store one message. The caller tells a
    -- copy by its id, which is not the one it asked for.
    RETURN QUERY SELECT * FROM messages
    WHERE conversation_id = p_conversation_id AND sender_id = p_sender_id AND client_message_id = p_client_message_id;
    IF FOUND THEN
        RETURN;
    END IF;
    -- No send across a block either way in a direct conversation: answered with no row, like a sender
    -- who is no longer a member; the caller tells the two apart. Checked here rather than before
    -- the call, which saves every send a round trip, and sees every block committed before it began.
    IF v_conversation.type = 'direct' AND EXISTS (
        SELECT 1 FROM conversation_members cm
        WHERE cm.conversation_id = p_conversation_id AND cm.user_id <> p_sender_id
          AND (EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = p_sender_id AND b.blocked_id = cm.user_id)
               OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = cm.user_id AND b.blocked_id = p_sender_id))) THEN
        RETURN;
    END IF;
    -- A timeline message moves its sender's read mark to it. A reply does not (that would mark the
    -- timeline messages before it read): it moves the sender's mark in the thread instead.
    IF v_reply THEN
        SELECT role INTO v_role FROM conversation_members
        WHERE conversation_id = p_conversation_id AND user_id = p_sender_id;
    ELSE
        UPDATE conversation_members SET last_read_seq = v_conversation.last_seq + 1
        WHERE conversation_id = p_conversation_id AND user_id = p_sender_id
        RETURNING role INTO v_role;
    END IF;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- The caller checked the root; a deletion takes the same row lock, so this check is the one that
    -- holds. A root deleted meanwhile is answered alone, and nothing is stored.
    IF v_reply THEN
        SELECT * INTO v_message FROM messages WHERE conversation_id = p_conversation_id AND id = p_thread_root_id;
        IF v_message.deleted_at IS NOT NULL THEN
            RETURN NEXT v_message;
            RETURN;
        END IF;
    END IF;
    -- `@username` of accepted members, except those who blocked the sender; `@all` / `@here` in a
    -- group over 50 members only from its owner or admins.
    IF cardinality(p_mention_names) > 0 THEN
        SELECT coalesce(array_agg(u.id ORDER BY u.username), '{}') INTO v_mentions
        FROM conversation_members cm JOIN users u ON u.id = cm.user_id
        WHERE cm.conversation_id = p_conversation_id AND cm.status = 'accepted' AND u.username = ANY(p_mention_names)
          AND u.id <> p_sender_id AND u.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = u.id AND b.blocked_id = p_sender_id);
    END IF;
    v_all := p_mention_all AND (v_conversation.type = 'direct' OR v_conversation.member_count <= 50
                                OR v_role IN ('owner', 'admin'));
    -- A reply takes two versions: its own, and the one after for its root's new summary.
    UPDATE conversations
    SET last_seq = last_seq + 1,
        version = version + CASE WHEN v_reply THEN 2 ELSE 1 END,
        timeline_count = timeline_count + CASE WHEN v_reply THEN 0 ELSE 1 END,
        last_activity_at = now()
    WHERE id = p_conversation_id
    RETURNING * INTO v_conversation;
    v_version := v_conversation.version - CASE WHEN v_reply THEN 1 ELSE 0 END;
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, reply_to_id, attachments,
                          created_version, version, thread_root_id, timeline_position, mention_user_ids, mention_all)
    VALUES (p_id, p_conversation_id, v_conversation.last_seq, p_sender_id, p_client_message_id, p_body, p_reply_to_id,
            p_attachments, v_version, v_version, p_thread_root_id, v_conversation.timeline_count, v_mentions, v_all)
    RETURNING * INTO v_message;
    RETURN NEXT v_message;
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
            jsonb_build_object('messageId', p_id, 'senderId', p_sender_id, 'seq', v_conversation.last_seq,
                               'mentions', cardinality(v_mentions) > 0 OR v_all));
    IF v_reply THEN
        UPDATE messages
        SET thread_reply_count = thread_reply_count + 1,
            thread_last_reply_at = now(),
            thread_last_reply_seq = v_conversation.last_seq,
            thread_participant_ids = CASE
                WHEN p_sender_id = ANY(thread_participant_ids) OR cardinality(thread_participant_ids) >= 5
                THEN thread_participant_ids ELSE thread_participant_ids || p_sender_id END,
            version = v_conversation.version
        WHERE conversation_id = p_conversation_id AND id = p_thread_root_id
        RETURNING * INTO v_message;
        RETURN NEXT v_message;
        v_root_sender := v_message.sender_id;
        -- The replier follows the thread again and has read it up to their reply; its author and
        -- the members it mentions follow it, unless they already chose (a member who only read it
        -- has a place in it but made no choice: following is null).
        INSERT INTO thread_subscriptions (conversation_id, user_id, root_id, last_read_seq)
        VALUES (p_conversation_id, p_sender_id, p_thread_root_id, v_conversation.last_seq)
        ON CONFLICT (conversation_id, user_id, root_id) DO UPDATE
        SET following = TRUE, last_read_seq = GREATEST(thread_subscriptions.last_read_seq, EXCLUDED.last_read_seq);
        INSERT INTO thread_subscriptions (conversation_id, user_id, root_id)
        SELECT p_conversation_id, cm.user_id, p_thread_root_id FROM conversation_members cm
        WHERE cm.conversation_id = p_conversation_id AND cm.user_id = ANY(v_mentions || v_root_sender)
          AND cm.user_id <> p_sender_id
        ON CONFLICT (conversation_id, user_id, root_id) DO UPDATE SET following = TRUE
        WHERE thread_subscriptions.following IS NULL;
    ELSIF cardinality(v_mentions) > 0 OR v_all THEN
        -- What each mentioned member's unread mention count counts, until their read mark passes it.
        INSERT INTO message_mentions (conversation_id, user_id, seq)
        SELECT p_conversation_id, cm.user_id, v_conversation.last_seq FROM conversation_members cm
        WHERE cm.conversation_id = p_conversation_id AND cm.user_id <> p_sender_id AND cm.status = 'accepted'
          AND (cm.user_id = ANY(v_mentions)
               OR (v_all AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = cm.user_id
                                                                  AND b.blocked_id = p_sender_id)));
    END IF;
END
$$;
