import type { Redis } from 'ioredis';
import type { ConversationAccess, Membership } from '#src/conversations/conversation-access.service.js';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { ChatEvents, type ChatEventMap } from '#src/common/events/chat-events.js';
import { TypingService } from '#src/realtime/typing.service.js';
import type { BlocksService } from '#src/users/blocks.service.js';

const member = (userId: string) =>
  ({ userId, role: 'member', status: 'accepted', muted: false, hiddenBeforeSeq: 0 }) as const;
const group: ConversationMeta = {
  id: 'g',
  type: 'group',
  title: 'g',
  createdAt: '2026-12-01T00:00:00.000Z',
  slowModeSeconds: 0,
  frozen: false,
  members: ['ann', 'bob', 'cid', 'dan'].map(member),
};
/** Bob blocked Ann; Ann blocked Dan. */
const blocks: [string, string][] = [
  ['bob', 'ann'],
  ['ann', 'dan'],
];

/** `slowStartMs`: how long a start's writer check takes (a stop's member check answers at once). */
function typing(slowStartMs = 0) {
  const membership = (userId: string): Promise<Membership> =>
    Promise.resolve({ conversation: group, member: member(userId) });
  /** Eve may not write: her start is refused once its check answers. */
  const slowMembership = (userId: string): Promise<Membership> =>
    new Promise((resolve, reject) =>
      setTimeout(
        () =>
          userId === 'eve'
            ? reject(new Error('not a writer'))
            : resolve({ conversation: group, member: member(userId) }),
        slowStartMs,
      ),
    );
  const access = { requireWriter: slowMembership, requireMember: membership } as unknown as ConversationAccess;
  const blocksService = {
    blockedEitherWayAmong: (userId: string, candidates: string[]) =>
      Promise.resolve(
        new Set(
          candidates.filter((other) =>
            blocks.some(([a, b]) => (a === userId && b === other) || (a === other && b === userId)),
          ),
        ),
      ),
  } as BlocksService;
  const redis = { set: () => Promise.resolve('OK'), del: () => Promise.resolve(1) } as unknown as Redis;
  const events = new ChatEvents();
  const heard: ChatEventMap['typing'][] = [];
  events.on('typing', (event) => void heard.push(event));
  const service = new TypingService(redis, access, blocksService, events);
  /** Who is told of one start or stop. */
  const told = async (change: Promise<void>) => {
    heard.length = 0;
    await change;
    return heard.flatMap((event) => event.memberIds);
  };
  return { service, told, heard };
}

describe('who hears someone typing in a group', () => {
  it('is every other member but those with a block either way with the typist', async () => {
    const { service, told, heard } = typing();
    expect(await told(service.start('s1', 'ann', 'g'))).toEqual(['cid']);
    expect(heard).toEqual([{ conversationId: 'g', userId: 'ann', isTyping: true, memberIds: ['cid'] }]);
    expect(await told(service.stop('s1', 'ann', 'g'))).toEqual(['cid']);
    expect(heard).toEqual([{ conversationId: 'g', userId: 'ann', isTyping: false, memberIds: ['cid'] }]);
    expect(await told(service.start('s2', 'bob', 'g'))).toEqual(['cid', 'dan']);
    expect(await told(service.start('s3', 'cid', 'g'))).toEqual(['ann', 'bob', 'dan']);
  });

  it('is no one for a start repeated moments later from the same socket', async () => {
    const { service, told } = typing();
    expect(await told(service.start('s1', 'cid', 'g'))).toHaveLength(3);
    expect(await told(service.start('s1', 'cid', 'g'))).toEqual([]);
  });

  it("passes on a socket's start and the stop sent right after it in that order, even when the start's checks are slower", async () => {
    const { service, heard } = typing(30);
    heard.length = 0;
    await Promise.all([service.start('s1', 'cid', 'g'), service.stop('s1', 'cid', 'g')]);
    expect(heard.map((event) => event.isTyping)).toEqual([true, false]);
  });

  it('runs the next change after one that failed, and lets another socket go on meanwhile', async () => {
    const { service, heard } = typing(30);
    heard.length = 0;
    const refused = service.start('s1', 'eve', 'g').then(
      () => 'passed on',
      () => 'refused',
    );
    await Promise.all([service.stop('s1', 'eve', 'g'), service.stop('s2', 'dan', 'g')]);
    expect(await refused).toBe('refused');
    expect(heard.map((event) => [event.userId, event.isTyping])).toEqual([
      ['dan', false],
      ['eve', false],
    ]);
  });
});
