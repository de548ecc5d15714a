import { perUserPerMinute } from '#src/infra/rate-limit/write-limits.js';

/** Messages a minute per user (30 by default, docs/api.md), counted on every instance, over REST and sockets. */
export const SEND_LIMIT = perUserPerMinute('message-send', 'MESSAGES_PER_MINUTE_PER_USER');
