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
  collapseId: string;
  ttlSeconds: number;
}
export type PushOutcome =
  | { status: 'delivered' }
  | { status: 'gone' }
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'rejected'; reason: string };
export interface PushProvider {
  readonly platform: PushPlatform;
  readonly enabled: boolean;
  send(target: PushTarget, message: PushMessage): Promise<PushOutcome>;
}
