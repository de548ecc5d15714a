import type { NotificationView } from './notification.presenter.js';

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /** A notification was stored for `userId`. */
    'notification.created': { userId: string; notification: NotificationView };
  }
}
