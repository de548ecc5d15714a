import type { MessageSource } from '#src/conversations/message.presenter.js';

/** A stored message with its change version (what orders sync, and guards the latest-messages cache). */
export interface MessageRecord extends MessageSource {
  version: bigint;
}

/** A change to a message, with whether it is the conversation's last message (whose preview lists show). */
export interface MessageChange {
  message: MessageRecord;
  isLast: boolean;
}
