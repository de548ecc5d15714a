import { jest } from '@jest/globals';
import type { ChatEvents } from '#src/common/events/chat-events.js';
import {
  hiddenPresence,
  lastSeenForContacts,
  toOwnPresenceView,
  toPresenceView,
} from '#src/presence/presence.presenter.js';
import type { PresenceRepository, PresenceSubject } from '#src/presence/presence.repository.js';
import { PresenceService, PresenceSettings } from '#src/presence/presence.service.js';
import type { PresenceStore } from '#src/presence/presence.store.js';
import { currentStatus, hasStatusSql, type StoredStatus } from '#src/presence/status-rule.js';
import { settingsSlice } from '../support/unit/test-service.js';

const [viewer, contact, stranger, unknown, away, ghost] = ['viewer', 'contact', 'stranger', 'unknown', 'away', 'ghost'];
const seen = new Date('2026-11-30T10:00:00.000Z');
const NO_STATUS: StoredStatus = { status: 'online', statusText: null, statusExpiresAt: null };
const subject = (
  visible: boolean,
  stored: Partial<StoredStatus & { showLastSeen: boolean }> = {},
): PresenceSubject => ({
  lastSeenAt: seen,
  showLastSeen: true,
  visible,
  ...NO_STATUS,
  ...stored,
});

/** The service over fakes: `subjects` is what Postgres answers, `sockets` the counts in Redis. */
function presenceOver(subjects: Record<string, PresenceSubject>, sockets: Record<string, number>) {
  const socketCounts = jest.fn((userIds: string[]) => Promise.resolve(userIds.map((id) => sockets[id] ?? 0)));
  const store = { socketCounts } as unknown as PresenceStore;
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
      [viewer]: subject(true),
      [contact]: subject(true),
      [stranger]: subject(false),
    },
    { [viewer]: 1, [contact]: 2, [stranger]: 3 },
  );

  it('shows contacts as they are, and everyone else as a user never seen', async () => {
    expect(await service.query(viewer, [stranger, contact, unknown, viewer])).toEqual([
      { userId: stranger, online: false, status: 'offline', statusText: null, lastSeenAt: null },
      { userId: contact, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
      { userId: viewer, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
    ]);
    // Counted on the instances seen within the presence TTL.
    expect(socketCounts).toHaveBeenCalledWith([contact, viewer], 90_000);
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

describe('a chosen status as others and the user see it', () => {
  const later = new Date(Date.now() + 60_000);
  const earlier = new Date(Date.now() - 1);
  const { service } = presenceOver(
    {
      [viewer]: subject(true, { status: 'invisible', statusText: 'hiding' }),
      [away]: subject(true, { status: 'away', statusText: 'lunch', statusExpiresAt: later }),
      [ghost]: subject(true, { status: 'invisible' }),
      [contact]: subject(true, { status: 'dnd', statusText: 'focus', statusExpiresAt: earlier }),
    },
    { [viewer]: 1, [away]: 1, [ghost]: 1, [contact]: 1 },
  );

  it('shows a connected contact’s status and text, and an invisible one exactly as offline', async () => {
    expect(await service.query(viewer, [away, ghost, contact])).toEqual([
      { userId: away, online: true, status: 'away', statusText: 'lunch', lastSeenAt: seen.toISOString() },
      { userId: ghost, online: false, status: 'offline', statusText: null, lastSeenAt: seen.toISOString() },
      // Past its expiry: online with no text, though the sweep has not cleared it yet.
      { userId: contact, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
    ]);
  });

  it('shows the user their own status as they chose it, invisible included', async () => {
    expect(await service.query(viewer, [viewer])).toEqual([
      { userId: viewer, online: true, status: 'invisible', statusText: 'hiding', lastSeenAt: seen.toISOString() },
    ]);
  });

  it('shows anyone not connected as offline with no text, whatever their status', () => {
    expect(toPresenceView(away, false, seen, { status: 'dnd', statusText: 'focus' })).toEqual(
      toPresenceView(away, false, seen),
    );
    expect(toPresenceView(ghost, true, seen, { status: 'invisible', statusText: 'x' })).toEqual(
      toPresenceView(ghost, false, seen),
    );
    expect(toOwnPresenceView(away, false, null, { status: 'dnd', statusText: 'focus' })).toMatchObject({
      online: false,
      status: 'dnd',
      statusText: 'focus',
    });
  });
});

describe('showLastSeen off', () => {
  const { service } = presenceOver(
    {
      [viewer]: subject(true, { showLastSeen: false }),
      [contact]: subject(true, { showLastSeen: false, status: 'away', statusText: 'lunch' }),
      [stranger]: subject(false, { showLastSeen: false }),
    },
    { [viewer]: 1, [contact]: 0, [stranger]: 1 },
  );

  it('gives contacts no lastSeenAt and changes nothing else they see', async () => {
    expect(await service.query(viewer, [contact, stranger])).toEqual([
      { userId: contact, online: false, status: 'offline', statusText: null, lastSeenAt: null },
      hiddenPresence(stranger),
    ]);
  });

  it('still shows the user their own', async () => {
    expect(await service.query(viewer, [viewer])).toEqual([
      { userId: viewer, online: true, status: 'online', statusText: null, lastSeenAt: seen.toISOString() },
    ]);
  });

  it('is one rule for answers and events', () => {
    expect(lastSeenForContacts(seen, false)).toBeNull();
    expect(lastSeenForContacts(seen, true)).toBe(seen);
    expect(lastSeenForContacts(null, true)).toBeNull();
  });
});

describe('the expiry rule', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it.each([
    ['no expiry', null, { status: 'dnd', statusText: 'focus' }],
    ['an expiry to come', at(1), { status: 'dnd', statusText: 'focus' }],
    ['an expiry now', at(0), { status: 'online', statusText: null }],
    ['an expiry past', at(-1), { status: 'online', statusText: null }],
  ])('%s', (_name, statusExpiresAt, expected) => {
    expect(currentStatus({ status: 'dnd', statusText: 'focus', statusExpiresAt }, now)).toEqual(expected);
  });

  it('is the same rule in SQL: the status, unless its expiry is past', () => {
    const sql = hasStatusSql('u', 'dnd');
    expect(sql.sql.replace(/\s+/g, ' ')).toBe(
      '(u.status = ? AND (u.status_expires_at IS NULL OR u.status_expires_at > now()))',
    );
    expect(sql.values).toEqual(['dnd']);
    expect(() => hasStatusSql('u; DROP TABLE users', 'dnd')).toThrow('not a table alias');
  });
});
