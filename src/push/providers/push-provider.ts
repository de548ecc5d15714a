export type PushPlatform = 'webpush' | 'fcm' | 'apns';

export interface WebPushTarget {
  platform: 'webpush';
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface TokenTarget {
  platform: 'fcm' | 'apns';
  token: string;
}

export type PushTarget = WebPushTarget | TokenTarget;

/** The JSON every device receives (API.md). `preview` absent when previews are off. */
export interface PushPayload {
  kind: 'message' | 'mention' | 'request';
  conversationId: string;
  messageId: string | null;
  seq: number | null;
  senderName: string;
  preview?: string;
  badge: number;
}

export interface PushMessage {
  payload: PushPayload;
  /** 32 lowercase hex characters: a later push with the same id replaces an undelivered one. */
  collapseId: string;
  ttlSeconds: number;
}

export type PushOutcome =
  /** The provider accepted the push. */
  | { status: 'delivered' }
  /** The provider says the device or token is gone: delete the device. */
  | { status: 'gone' }
  /** Transient (network, timeout, 429, 5xx): send again later. */
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  /** Permanent for this message (a refused address, a 400 on the payload): do not retry. */
  | { status: 'rejected'; reason: string };

export interface PushProvider {
  readonly platform: PushPlatform;
  readonly enabled: boolean;
  /** Never throws: every failure is an outcome. */
  send(target: PushTarget, message: PushMessage): Promise<PushOutcome>;
}
