import { toMessageView, type MessageView } from '#src/conversations/message.presenter.js';
import type { PinRecord } from './pins.repository.js';

/** A pinned message as clients see it (docs/api.md): the message view, who pinned it and when. */
export interface PinView {
  message: MessageView;
  pinnedBy: string;
  pinnedAt: string;
}

export const toPinView = ({ message, pinnedBy, pinnedAt }: PinRecord): PinView => ({
  message: toMessageView(message),
  pinnedBy,
  pinnedAt: pinnedAt.toISOString(),
});
