/**
 * The outbox's contract: what a write leaves for the workers, by kind. Writers store the payload in
 * the same statement or transaction as the write; the notifications worker reads it back.
 */
export interface OutboxPayloads {
  /**
   * A new message (the event's id is the message's), with what decides whether its text is needed:
   * `mentions`, whether it mentions anyone (rows written before it was added have none: read the text).
   */
  message: { messageId: string; senderId: string; seq: number; mentions?: boolean };
  /** A direct conversation opened as a message request (the event's id is the conversation's). */
  request: { senderId: string; recipientId: string };
  member_added: { userIds: string[]; actorId: string };
}

export type OutboxKind = keyof OutboxPayloads;

export type OutboxEventRow = {
  [K in OutboxKind]: {
    conversationId: string;
    id: string;
    kind: K;
    payload: OutboxPayloads[K];
    createdAt: Date;
    /** The claim count this worker holds the row with. */
    attempts: number;
  };
}[OutboxKind];

/** The row to create for an event (Prisma create data). */
export const outboxEvent = <K extends OutboxKind>(
  kind: K,
  conversationId: string,
  payload: OutboxPayloads[K],
  id?: string,
) => ({ conversationId, kind, payload, ...(id && { id }) });
