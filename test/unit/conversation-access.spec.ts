import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { aDirect, aGroup, aMember, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

/** ConversationAccess over one stored conversation; `blocked` is what the block check answers. */
const accessTo = (conversation: ConversationMeta | null, blocked?: boolean) =>
  newTestService(ConversationAccess, {
    ConversationsRepository: {
      findMeta: (id: string) => Promise.resolve(id === conversation?.id ? conversation : null),
    },
    BlocksService: blocked === undefined ? {} : { blockedEitherWay: () => Promise.resolve(blocked) },
  });

const [ada, bob, eve] = newIds(3);

describe('who may see a conversation', () => {
  it('answers a member with the conversation and their own membership', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob, role: 'admin' }]);
    const { subject } = await accessTo(group);
    const { conversation, member } = await subject.requireMember(bob, group.id);
    expect(conversation.id).toBe(group.id);
    expect(member).toMatchObject({ userId: bob, role: 'admin' });
  });

  it('answers a non-member 404 CONVERSATION_NOT_FOUND, the same as for a conversation that does not exist', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await accessTo(group);
    const refusal = { status: 404, code: 'CONVERSATION_NOT_FOUND' };
    await expect(subject.requireMember(eve, group.id)).rejects.toMatchObject(refusal);
    await expect(subject.requireMember(eve, '00000000-0000-4000-8000-00000000dead')).rejects.toMatchObject(refusal);
  });

  it('keeps a pending or declined request readable by its recipient', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'pending' });
    const { subject } = await accessTo(direct);
    await expect(subject.requireMember(bob, direct.id)).resolves.toMatchObject({ member: { status: 'pending' } });
  });
});

describe('who may write in a conversation', () => {
  it('lets an accepted member of a group write, without asking about blocks', async () => {
    const group = aGroup([{ userId: ada }, { userId: bob }]);
    const { subject } = await accessTo(group);
    await expect(subject.requireWriter(bob, group.id)).resolves.toMatchObject({ member: { userId: bob } });
  });

  it('refuses the recipient of a request until they accept it: 403 REQUEST_PENDING', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'pending' });
    const { subject } = await accessTo(direct, false);
    await expect(subject.requireWriter(bob, direct.id)).rejects.toMatchObject({ status: 403, code: 'REQUEST_PENDING' });
  });

  it('refuses both sides of a declined request: 403 REQUEST_DECLINED', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'declined' });
    const { subject } = await accessTo(direct, false);
    const refusal = { status: 403, code: 'REQUEST_DECLINED' };
    await expect(subject.requireWriter(bob, direct.id)).rejects.toMatchObject(refusal);
    await expect(subject.requireWriter(ada, direct.id)).rejects.toMatchObject(refusal);
  });

  it('lets the sender of a request still waiting for an answer write', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob, status: 'pending' });
    const { subject } = await accessTo(direct, false);
    await expect(subject.requireWriter(ada, direct.id)).resolves.toMatchObject({ member: { userId: ada } });
  });

  it('refuses a direct conversation with a block either way: 403 BLOCKED', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob });
    const { subject, fakes } = await accessTo(direct, true);
    await expect(subject.requireWriter(ada, direct.id)).rejects.toMatchObject({ status: 403, code: 'BLOCKED' });
    expect(fakes.BlocksService.blockedEitherWay).toHaveBeenCalledWith(ada, bob);
  });

  it('lets the members of a direct conversation with no block write', async () => {
    const direct = aDirect({ userId: ada }, { userId: bob });
    const { subject } = await accessTo(direct, false);
    await expect(subject.requireWriter(bob, direct.id)).resolves.toMatchObject({ member: { userId: bob } });
  });

  it('refuses a non-member before any other rule: 404 CONVERSATION_NOT_FOUND', async () => {
    const group = aGroup([{ userId: ada }, aMember()]);
    const { subject } = await accessTo(group);
    await expect(subject.requireWriter(eve, group.id)).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });
});
