import type { MessageView } from '#src/conversations/message.presenter.js';

/** The answer of `GET /conversations/:id/sync` and the `sync` ack. */
export interface SyncView {
  /** Messages created, edited, deleted or reacted to since the client's point, in the order they changed. */
  items: MessageView[];
  lastSeq: number;
  hasMore: boolean;
  /** Pass back as `cursor` (with the same `since`) while `hasMore` is true. */
  nextCursor: string | null;
}
