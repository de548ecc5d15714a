import { clipCodePoints } from '#src/common/validation/text-length.js';
import type { PushPayload } from './providers/push-provider.js';

/** How much of a message a push shows. */
export const PUSH_PREVIEW_LENGTH = 100;

/** A notification that should also reach the user's devices. */
export interface PushRequest {
  userId: string;
  kind: PushPayload['kind'];
  conversationId: string;
  messageId: string | null;
  seq: number | null;
  actorId: string;
  /** The message's text, when there is one. */
  body: string | null;
}

/** What the device is told: who wrote, where, the start of it when previews are on, and the unread total. */
export const pushPayload = (
  request: PushRequest,
  senderName: string,
  badge: number,
  includePreview: boolean,
): PushPayload => ({
  kind: request.kind,
  conversationId: request.conversationId,
  messageId: request.messageId,
  seq: request.seq,
  senderName,
  ...(includePreview && request.body ? { preview: clipCodePoints(request.body, PUSH_PREVIEW_LENGTH) } : {}),
  badge,
});

/** Web Push `Topic`, FCM `collapse_key` and `apns-collapse-id` of an event's pushes: its id's 32 hex digits. */
export const collapseIdOf = (sourceId: string): string => sourceId.replaceAll('-', '').toLowerCase();
