import type { Redis } from 'ioredis';
import type { ConversationAccess, Membership } from '#src/conversations/conversation-access.service.js';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { TypingService } from '#src/realtime/typing.service.js';
import type { BlocksService } from '#src/users/blocks.service.js';

const member = (userId: string) =>
  ({ userId, role: 'member', status: 'accepted', muted: false, hiddenBeforeSeq: 0 }) as const;
const group: ConversationMeta = {
  id: 'g',
  type: 'group',
  title: 'g',
  createdAt: '2026-12-01T00:00:00.000Z',
  members: ['ann', 'bob', 'cid', 'dan'].map(member),
};
/** Bob blocked Ann; Ann blocked Dan. */
const blocks: [string, string][] = [
  ['bob', 'ann'],
  ['ann', 'dan'],
];

function typing() {
  const membership = (userId: string): Promise<Membership> =>
    Promise.resolve({ conversation: group, member: member(userId) });
  const access = { requireWriter: membership, requireMember: membership } as unknown as ConversationAccess;
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
  return new TypingService(redis, access, blocksService);
}

describe('who hears someone typing in a group', () => {
  it('is every other member but those with a block either way with the typist', async () => {
    const service = typing();
    expect(await service.start('s1', 'ann', 'g')).toEqual(['cid']);
    expect(await service.stop('s1', 'ann', 'g')).toEqual(['cid']);
    expect(await service.start('s2', 'bob', 'g')).toEqual(['cid', 'dan']);
    expect(await service.start('s3', 'cid', 'g')).toEqual(['ann', 'bob', 'dan']);
  });

  it('is no one for a start repeated moments later from the same socket', async () => {
    const service = typing();
    expect(await service.start('s1', 'cid', 'g')).toHaveLength(3);
    expect(await service.start('s1', 'cid', 'g')).toEqual([]);
  });
});
