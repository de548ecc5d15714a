import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { ConversationsService } from '#src/conversations/conversations.service.js';
import { MembersService } from '#src/conversations/members.service.js';
import { GROUP_MAX_MEMBERS } from '#src/conversations/dto/conversation-create.dto.js';
import { MessageChangesService } from '#src/messages/message-changes.service.js';
import { aDirect, aGroup, aMessage, membershipOf, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [owner, admin, otherAdmin, member, other, outsider] = newIds(6);
const group = () =>
  aGroup([
    { userId: owner },
    { userId: admin, role: 'admin' },
    { userId: otherAdmin, role: 'admin' },
    { userId: member },
    { userId: other },
  ]);
const DETAIL = { id: 'the detail view' };

const stored = (conversation: ConversationMeta) => ({
  findMeta: (id: string) => Promise.resolve(id === conversation.id ? conversation : null),
});

/** MembersService with the real access rules over `conversation`; `members` is the repository fake. */
const membersOf = <F extends Record<string, object>>(conversation: ConversationMeta, fakes: F = {} as F) =>
  newTestService(
    MembersService,
    {
      ConversationsRepository: stored(conversation),
      ConversationsService: { detail: () => Promise.resolve(DETAIL) },
      ...fakes,
    },
    { real: [ConversationAccess] },
  );

const notAdmin = { status: 403, code: 'NOT_GROUP_ADMIN' };

describe('adding members', () => {
  const known = (ids: string[]) => ({ activeIds: () => Promise.resolve(new Set(ids)) });
  const noBlocks = { blockedWithin: () => Promise.resolve(false) };

  it.each([
    ['the owner', owner],
    ['an admin', admin],
  ])('lets %s add people, and answers the conversation', async (_who, caller) => {
    const conversation = group();
    const { subject, fakes } = await membersOf(conversation, {
      UsersService: known([outsider]),
      BlocksService: noBlocks,
      MembersRepository: { add: () => Promise.resolve({ added: [outsider], full: false, banned: [] }) },
    });
    await expect(subject.add(caller, conversation.id, [outsider])).resolves.toBe(DETAIL);
    expect(fakes.MembersRepository.add).toHaveBeenCalledWith(conversation.id, [outsider], GROUP_MAX_MEMBERS, caller);
  });

  it('refuses a plain member: 403 NOT_GROUP_ADMIN, and adds no one', async () => {
    const conversation = group();
    const { subject } = await membersOf(conversation);
    await expect(subject.add(member, conversation.id, [outsider])).rejects.toMatchObject(notAdmin);
  });

  it('refuses in a direct conversation: 400 NOT_A_GROUP', async () => {
    const direct = aDirect({ userId: owner }, { userId: member });
    const { subject } = await membersOf(direct);
    await expect(subject.add(owner, direct.id, [outsider])).rejects.toMatchObject({ status: 400, code: 'NOT_A_GROUP' });
  });

  it('refuses unknown users: 404 USER_NOT_FOUND', async () => {
    const conversation = group();
    const { subject } = await membersOf(conversation, { UsersService: known([]) });
    await expect(subject.add(owner, conversation.id, [outsider])).rejects.toMatchObject({
      status: 404,
      code: 'USER_NOT_FOUND',
    });
  });

  it('refuses a newcomer with a block between them and a member: 403 BLOCKED', async () => {
    const conversation = group();
    const { subject, fakes } = await membersOf(conversation, {
      UsersService: known([outsider, member]),
      BlocksService: { blockedWithin: () => Promise.resolve(true) },
    });
    await expect(subject.add(owner, conversation.id, [outsider, member])).rejects.toMatchObject({
      status: 403,
      code: 'BLOCKED',
    });
    // Only those not in the group yet are checked against its members.
    expect(fakes.BlocksService.blockedWithin).toHaveBeenCalledWith(
      [outsider],
      [owner, admin, otherAdmin, member, other],
    );
  });

  it(`refuses to pass ${GROUP_MAX_MEMBERS} members: 409 GROUP_FULL`, async () => {
    const conversation = group();
    const { subject } = await membersOf(conversation, {
      UsersService: known([outsider]),
      BlocksService: noBlocks,
      MembersRepository: { add: () => Promise.resolve({ added: [], full: true, banned: [] }) },
    });
    await expect(subject.add(owner, conversation.id, [outsider])).rejects.toMatchObject({
      status: 409,
      code: 'GROUP_FULL',
    });
  });
});

describe('removing members', () => {
  const removes = { MembersRepository: { remove: () => Promise.resolve(true) } };

  it.each([
    ['a plain member leaves', member, member],
    ['the owner leaves', owner, owner],
    ['the owner removes an admin', owner, admin],
    ['the owner removes a member', owner, member],
    ['an admin removes a member', admin, member],
  ])('lets it be done when %s', async (_case, caller, target) => {
    const conversation = group();
    const { subject, fakes } = await membersOf(conversation, removes);
    await subject.remove(caller, conversation.id, target);
    // Nothing else goes in the removal's transaction (a ban would).
    expect(fakes.MembersRepository.remove).toHaveBeenCalledWith(conversation.id, target, undefined);
  });

  it.each([
    ['a member removes another', member, other, 403, 'NOT_GROUP_ADMIN'],
    ['an admin removes another admin', admin, otherAdmin, 403, 'NOT_GROUP_ADMIN'],
    ['an admin removes the owner', admin, owner, 403, 'NOT_GROUP_ADMIN'],
    ['the owner removes someone not in the group', owner, outsider, 404, 'MEMBER_NOT_FOUND'],
  ])('refuses when %s: %i %s', async (_case, caller, target, status, code) => {
    const conversation = group();
    const { subject } = await membersOf(conversation);
    await expect(subject.remove(caller, conversation.id, target)).rejects.toMatchObject({ status, code });
  });
});

describe('changing roles', () => {
  it('lets the owner make a member an admin and an admin a member again', async () => {
    const conversation = group();
    const { subject, fakes } = await membersOf(conversation, {
      MembersRepository: { setRole: () => Promise.resolve() },
    });
    await expect(subject.setRole(owner, conversation.id, member, 'admin')).resolves.toBe(DETAIL);
    await subject.setRole(owner, conversation.id, admin, 'member');
    expect(fakes.MembersRepository.setRole.mock.calls).toEqual([
      [conversation.id, member, 'admin'],
      [conversation.id, admin, 'member'],
    ]);
  });

  it.each([
    ['an admin changes one', admin, other, 403, 'NOT_GROUP_OWNER'],
    ['a member changes one', member, other, 403, 'NOT_GROUP_OWNER'],
    ["the owner changes their own (an owner's role is fixed)", owner, owner, 409, 'OWNER_ROLE_FIXED'],
    ['the owner changes that of someone not in the group', owner, outsider, 404, 'MEMBER_NOT_FOUND'],
  ])('refuses when %s: %i %s', async (_case, caller, target, status, code) => {
    const conversation = group();
    const { subject } = await membersOf(conversation);
    await expect(subject.setRole(caller, conversation.id, target, 'admin')).rejects.toMatchObject({ status, code });
  });
});

describe('managing a group', () => {
  const titled = (conversation: ConversationMeta) =>
    newTestService(
      ConversationsService,
      {
        ConversationsRepository: { ...stored(conversation), updateGroup: () => Promise.resolve() },
        ConversationViews: { detail: () => Promise.resolve(DETAIL) },
      },
      { real: [ConversationAccess] },
    );

  it('lets an admin rename the group', async () => {
    const conversation = group();
    const { subject, fakes } = await titled(conversation);
    await subject.update(admin, conversation.id, { title: ' Book club ' });
    expect(fakes.ConversationsRepository.updateGroup).toHaveBeenCalledWith(conversation.id, { title: 'Book club' });
  });

  it('refuses a plain member renaming it: 403 NOT_GROUP_ADMIN', async () => {
    const conversation = group();
    const { subject } = await titled(conversation);
    await expect(subject.update(member, conversation.id, { title: 'Mine now' })).rejects.toMatchObject(notAdmin);
  });
});

describe("deleting other members' messages", () => {
  /** MessageChangesService where `caller` finds a message of `author` in `conversation`. */
  const deleting = (conversation: ConversationMeta, caller: string, author: string) => {
    const record = aMessage({ conversationId: conversation.id, senderId: author });
    return newTestService(MessageChangesService, {
      MessagesService: {
        findVisible: () => Promise.resolve({ membership: membershipOf(conversation, caller), record }),
      },
      MessagesRepository: {
        tombstone: () => Promise.resolve({ message: { ...record, deletedAt: new Date() }, isLast: false }),
      },
    });
  };

  it.each([
    ['an admin', admin],
    ['the owner', owner],
  ])("lets %s of a group delete a member's message", async (_who, caller) => {
    const conversation = group();
    const { subject, fakes } = await deleting(conversation, caller, member);
    await subject.delete(caller, conversation.id, 'message');
    // A member's deletion writes nothing alongside the tombstone (an admin's writes its audit row there).
    expect(fakes.MessagesRepository.tombstone).toHaveBeenCalledWith(conversation.id, 'message', undefined);
  });

  it("refuses a plain member deleting another's message: 403 NOT_MESSAGE_AUTHOR", async () => {
    const conversation = group();
    const { subject } = await deleting(conversation, member, other);
    await expect(subject.delete(member, conversation.id, 'message')).rejects.toMatchObject({
      status: 403,
      code: 'NOT_MESSAGE_AUTHOR',
    });
  });
});
