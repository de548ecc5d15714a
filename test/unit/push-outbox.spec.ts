import type { PushRequest } from '#src/push/push-payload.js';
import { PushOutbox } from '#src/push/push-outbox.service.js';
import { newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [ada, bob, cid, dan, conversationId, messageId] = newIds(6);

interface Audience {
  /** Users with a device on an active session. */
  devices: string[];
  /** Users whose status is dnd; without it, dnd must not be asked. */
  dnd?: string[];
  /** Unread totals; without it (and names), badges must not be asked. */
  unread?: Record<string, number>;
  names?: Record<string, string>;
}

const outboxFor = ({ devices, dnd, unread, names }: Audience, settings?: { PUSH_INCLUDE_PREVIEW: boolean }) =>
  newTestService(
    PushOutbox,
    {
      PushAudienceRepository: {
        withDevices: (userIds: string[]) => Promise.resolve(userIds.filter((id) => devices.includes(id))),
        ...(dnd && {
          doNotDisturb: (userIds: string[]) => Promise.resolve(new Set(userIds.filter((id) => dnd.includes(id)))),
        }),
        ...(unread && { unreadTotals: () => Promise.resolve(new Map(Object.entries(unread))) }),
        ...(names && { names: () => Promise.resolve(new Map(Object.entries(names))) }),
      },
      // Planning neither stores nor sends.
      PushDeliveriesRepository: {},
      PushDispatcher: {},
    },
    settings && { settings },
  );

const aRequest = (userId: string, overrides: Partial<PushRequest> = {}): PushRequest => ({
  userId,
  kind: 'message',
  conversationId,
  messageId,
  seq: 3,
  actorId: ada,
  body: 'are you coming?',
  ...overrides,
});

describe('who a planned push goes to', () => {
  it('leaves out users with no device', async () => {
    const { subject } = await outboxFor({ devices: [bob], dnd: [], unread: {}, names: { [ada]: 'Ada' } });
    const planned = await subject.plan([aRequest(bob), aRequest(cid)]);
    expect(planned.map((push) => push.userId)).toEqual([bob]);
  });

  it('plans nothing, and asks nothing about dnd or badges, when nobody has a device', async () => {
    // No dnd, unread or names given: the strict fake fails the test if they are asked.
    const { subject, fakes } = await outboxFor({ devices: [] });
    await expect(subject.plan([aRequest(bob), aRequest(cid)])).resolves.toEqual([]);
    expect(fakes.PushAudienceRepository.withDevices).toHaveBeenCalledTimes(1);
  });

  it('asks about each user once, however many requests they have', async () => {
    const { subject, fakes } = await outboxFor({ devices: [bob], dnd: [], unread: {}, names: {} });
    await subject.plan([aRequest(bob), aRequest(bob, { kind: 'mention' })]);
    expect(fakes.PushAudienceRepository.withDevices).toHaveBeenCalledWith([bob]);
  });

  it('leaves out a user in do not disturb', async () => {
    const { subject } = await outboxFor({ devices: [bob, cid], dnd: [cid], unread: {}, names: { [ada]: 'Ada' } });
    const planned = await subject.plan([aRequest(bob), aRequest(cid)]);
    expect(planned.map((push) => push.userId)).toEqual([bob]);
  });

  it('plans nothing, and asks for no badges, when everyone with a device is in do not disturb', async () => {
    const { subject } = await outboxFor({ devices: [bob], dnd: [bob] });
    await expect(subject.plan([aRequest(bob)])).resolves.toEqual([]);
  });
});

describe('what a planned push says', () => {
  it("shows each user's unread total as the badge, 0 for one with nothing unread", async () => {
    const { subject } = await outboxFor({
      devices: [bob, cid],
      dnd: [],
      unread: { [bob]: 5 },
      names: { [ada]: 'Ada' },
    });
    const planned = await subject.plan([aRequest(bob), aRequest(cid)]);
    expect(Object.fromEntries(planned.map((push) => [push.userId, push.payload.badge]))).toEqual({
      [bob]: 5,
      [cid]: 0,
    });
  });

  it("names the sender by the actor's name", async () => {
    const { subject } = await outboxFor({
      devices: [bob, cid],
      dnd: [],
      unread: {},
      names: { [ada]: 'Ada Lovelace', [dan]: 'dan_42' },
    });
    const planned = await subject.plan([aRequest(bob), aRequest(cid, { actorId: dan, kind: 'request' })]);
    expect(planned.map((push) => [push.userId, push.payload.senderName])).toEqual([
      [bob, 'Ada Lovelace'],
      [cid, 'dan_42'],
    ]);
  });

  it('carries the kind, conversation, message and seq of the request', async () => {
    const { subject } = await outboxFor({ devices: [bob], dnd: [], unread: { [bob]: 1 }, names: { [ada]: 'Ada' } });
    expect(await subject.plan([aRequest(bob, { kind: 'mention', seq: 9 })])).toEqual([
      {
        userId: bob,
        payload: {
          kind: 'mention',
          conversationId,
          messageId,
          seq: 9,
          senderName: 'Ada',
          preview: 'are you coming?',
          badge: 1,
        },
      },
    ]);
  });

  it('shows a preview of the message by default', async () => {
    const { subject } = await outboxFor({ devices: [bob], dnd: [], unread: {}, names: { [ada]: 'Ada' } });
    const [push] = await subject.plan([aRequest(bob)]);
    expect(push.payload.preview).toBe('are you coming?');
  });

  it('shows no preview when PUSH_INCLUDE_PREVIEW is false', async () => {
    const { subject } = await outboxFor(
      { devices: [bob], dnd: [], unread: {}, names: { [ada]: 'Ada' } },
      { PUSH_INCLUDE_PREVIEW: false },
    );
    const [push] = await subject.plan([aRequest(bob)]);
    expect(push.payload).not.toHaveProperty('preview');
    expect(push.payload).toMatchObject({ senderName: 'Ada', kind: 'message' });
  });
});
