// Faults at chosen points of an instance process, for process tests. Loaded only by them, with
// `node --import <this file> dist/main.js` (spawnApp's `preload`); the service itself never loads
// it, so nothing here exists in production. Each fault is switched on by an environment variable.
import { SessionStateService } from '../../dist/auth/session-state.service.js';
import { LatestMessagesCache } from '../../dist/messages/latest-messages.cache.js';
import { OutboxEventsRepository } from '../../dist/notifications/outbox-events.repository.js';
import { PushDeliveriesRepository } from '../../dist/push/push-deliveries.repository.js';

const say = (line) => process.stdout.write(`fault-hook: ${line}\n`);

// After a revocation's Postgres commit, never write it to Redis: the test SIGKILLs the process here.
if (process.env.FAULT_HANG_BEFORE_REVOCATION_MARKERS === 'true') {
  SessionStateService.prototype.markRevoked = function (sessionIds) {
    say(`revocation committed ${sessionIds.join(',')}`);
    return new Promise(() => undefined);
  };
}

// Write a session's Redis mirror this long after reading it from Postgres, so that a revocation
// can be committed (and written to Redis) in between.
const mirrorDelayMs = Number(process.env.FAULT_SESSION_MIRROR_DELAY_MS ?? 0);
if (mirrorDelayMs > 0) {
  const mirror = SessionStateService.prototype.mirror;
  SessionStateService.prototype.mirror = async function (session) {
    await new Promise((resolve) => setTimeout(resolve, mirrorDelayMs));
    await mirror.call(this, session);
    say(`mirrored ${session.id} revoked=${session.revokedAt !== null}`);
  };
}

// After a message change's Postgres commit, never write it to the cached latest-messages window
// (the window stays marked as changing): the test SIGKILLs the process here.
if (process.env.FAULT_HANG_BEFORE_WINDOW_WRITE === 'true') {
  const change = LatestMessagesCache.prototype.change;
  LatestMessagesCache.prototype.change = function (conversationId, write, changed) {
    const committedThenHang = async () => {
      await write();
      say(`message change committed in ${conversationId}`);
      return new Promise(() => undefined);
    };
    return change.call(this, conversationId, committedThenHang, changed);
  };
}

// Inside the transaction that stores an outbox event's notifications and pushes and deletes the
// event, after all of it and before the commit: the test SIGKILLs the process here.
if (process.env.FAULT_HANG_BEFORE_FANOUT_COMMIT === 'true') {
  const complete = OutboxEventsRepository.prototype.complete;
  OutboxEventsRepository.prototype.complete = function (event, work) {
    return complete.call(this, event, async (tx) => {
      await work(tx);
      say(`fan-out written for ${event.id}`);
      return new Promise(() => undefined);
    });
  };
}

// After a provider accepted a push, never delete its delivery: the test SIGKILLs the process here.
if (process.env.FAULT_HANG_AFTER_PUSH_SENT === 'true') {
  PushDeliveriesRepository.prototype.finish = function (delivery) {
    say(`push sent for ${delivery.payload.messageId}`);
    return new Promise(() => undefined);
  };
}
