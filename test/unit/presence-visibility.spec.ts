import { jest } from '@jest/globals';
import type { ChatEvents } from '#src/common/events/chat-events.js';
import { hiddenPresence, toPresenceView } from '#src/presence/presence.presenter.js';
import type { PresenceRepository, PresenceSubject } from '#src/presence/presence.repository.js';
import { PresenceService, PresenceSettings } from '#src/presence/presence.service.js';
import type { PresenceStore } from '#src/presence/presence.store.js';
import { settingsSlice } from '../support/unit/test-service.js';

const [viewer, contact, stranger, unknown] = ['viewer', 'contact', 'stranger', 'unknown'];
const seen = new Date('2026-11-30T10:00:00.000Z');

/** The service over fakes: `subjects` is what Postgres answers, `sockets` the counts in Redis. */
function presenceOver(subjects: Record<string, PresenceSubject>, sockets: Record<string, number>) {
  const socketCounts = jest.fn((userIds: string[]) => Promise.resolve(userIds.map((id) => sockets[id] ?? 0)));
  const store = { socketCounts, liveInstances: () => Promise.resolve(['instance']) } as unknown as PresenceStore;
  const users = {
    subjectsFor: (_viewerId: string, ids: string[]) =>
      Promise.resolve(new Map(ids.filter((id) => subjects[id]).map((id) => [id, subjects[id]]))),
  } as unknown as PresenceRepository;
  const settings = settingsSlice(PresenceSettings, { PRESENCE_TTL_SECONDS: 90, PRESENCE_HEARTBEAT_SECONDS: 30 });
  return { service: new PresenceService(store, users, {} as ChatEvents, settings), socketCounts };
}

describe('presence as a viewer sees it', () => {
  const { service, socketCounts } = presenceOver(
    {
      [viewer]: { lastSeenAt: seen, visible: true },
      [contact]: { lastSeenAt: seen, visible: true },
      [stranger]: { lastSeenAt: seen, visible: false },
    },
    { [viewer]: 1, [contact]: 2, [stranger]: 3 },
  );

  it('shows contacts as they are, and everyone else as a user never seen', async () => {
    expect(await service.query(viewer, [stranger, contact, unknown, viewer])).toEqual([
      { userId: stranger, online: false, status: 'offline', statusText: null, lastSeenAt: null },
      { userId: contact, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
      { userId: viewer, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
    ]);
    expect(socketCounts).toHaveBeenCalledWith([contact, viewer], ['instance']);
  });

  it('asks Redis nothing when no one is visible', async () => {
    socketCounts.mockClear();
    expect(await service.query(viewer, [stranger])).toEqual([hiddenPresence(stranger)]);
    expect(socketCounts).not.toHaveBeenCalled();
  });

  it('hides with exactly the answer of an offline user never seen', () => {
    expect(hiddenPresence(stranger)).toEqual(toPresenceView(stranger, false, null));
  });
});
