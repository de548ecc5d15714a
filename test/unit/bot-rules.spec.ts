import { BotsService } from '#src/bots/bots.service.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { RevokedBotKeys } from '#src/auth/bot-keys.repository.js';
import type { User } from '#src/generated/prisma/client.js';
import { aUser, newIds } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const [adminId, botId] = newIds(2);
const caller: AuthContext = { userId: adminId, sessionId: adminId, jti: adminId, expiresAt: Date.now() + 60_000 };
const dto = { username: 'Deploy_Bot', displayName: 'Deploy' };
const revokedKeys: RevokedBotKeys = { sessionIds: ['s1'], keyHashes: ['h1'] };

interface Setup {
  createAccount?: () => Promise<User>;
  /** The bot's username as found for a deletion; null when no bot has the id. */
  username?: string | null;
  /** Whether the deletion's update found the bot still there. */
  anonymised?: boolean;
}

/** BotsService over fakes that log what happened, in order: transaction boundaries included. */
function bots({
  createAccount = () => Promise.resolve(aUser({ id: botId, username: 'deploy_bot', role: 'bot' })),
  username = 'deploy_bot',
  anonymised = true,
}: Setup = {}) {
  const events: string[] = [];
  const tx = { name: 'tx' };
  return newTestService(BotsService, {
    PrismaService: {
      $transaction: async (work: (db: unknown) => Promise<unknown>) => {
        events.push('begin');
        const result = await work(tx);
        events.push('commit');
        return result;
      },
    },
    BotsRepository: {
      createAccount: (db: unknown, bot: { username: string }) => {
        events.push(`create ${bot.username} in ${(db as typeof tx).name}`);
        return createAccount();
      },
      findUsername: () => Promise.resolve(username),
      anonymise: (db: unknown) => {
        events.push(`anonymise in ${(db as typeof tx).name}`);
        return Promise.resolve(anonymised);
      },
    },
    BotKeys: {
      issue: (db: unknown) => {
        events.push(`issue in ${(db as typeof tx).name}`);
        return Promise.resolve('bot_key');
      },
      revokeAll: (db: unknown) => {
        events.push(`revoke in ${(db as typeof tx).name}`);
        return Promise.resolve(revokedKeys);
      },
      revoked: () => {
        events.push('revoked told');
        return Promise.resolve();
      },
    },
    AuditRepository: {
      record: (db: unknown, entry: { action: string }) => {
        events.push(`audit ${entry.action} in ${(db as typeof tx).name}`);
        return Promise.resolve();
      },
    },
    UserCache: {
      profileChanged: () => {
        events.push('profile dropped');
        return Promise.resolve();
      },
    },
  }).then((built) => ({ ...built, events }));
}

describe('creating a bot', () => {
  it('writes the account, its key and the audit row in one transaction, the username lower-cased', async () => {
    const { subject, events, fakes } = await bots();
    const created = await subject.create(caller, dto, '192.0.2.1');
    expect(created).toMatchObject({ apiKey: 'bot_key', user: { id: botId, bot: true } });
    expect(events).toEqual(['begin', 'create deploy_bot in tx', 'issue in tx', 'audit bot.created in tx', 'commit']);
    expect(fakes.AuditRepository.record).toHaveBeenCalledWith(expect.anything(), {
      actorId: adminId,
      action: 'bot.created',
      targetType: 'bot',
      targetId: expect.any(String),
      details: { username: 'deploy_bot' },
      ip: '192.0.2.1',
    });
  });

  it('answers 409 USERNAME_TAKEN when the username is anyone’s (a unique violation)', async () => {
    const { subject } = await bots({
      createAccount: () => Promise.reject(Object.assign(new Error('dup'), { code: 'P2002' })),
    });
    await expect(subject.create(caller, dto, '192.0.2.1')).rejects.toMatchObject({
      status: 409,
      code: 'USERNAME_TAKEN',
    });
  });

  it('passes any other failure on as it is', async () => {
    const failure = new Error('connection lost');
    const { subject } = await bots({ createAccount: () => Promise.reject(failure) });
    await expect(subject.create(caller, dto, '192.0.2.1')).rejects.toBe(failure);
  });
});

describe('deleting a bot', () => {
  it('anonymises it, revokes its keys and audits in one transaction; then tells Redis, sockets and caches', async () => {
    const { subject, events, fakes } = await bots();
    await subject.delete(caller, botId, '192.0.2.1');
    expect(events).toEqual([
      'begin',
      'anonymise in tx',
      'revoke in tx',
      'audit bot.deleted in tx',
      'commit',
      'revoked told',
      'profile dropped',
    ]);
    expect(fakes.BotKeys.revoked).toHaveBeenCalledWith(botId, revokedKeys);
  });

  it.each([
    ['no bot has the id (a user, an unknown id, a deleted bot)', { username: null }],
    ['another deletion got there first', { anonymised: false }],
  ])('answers 404 BOT_NOT_FOUND when %s, and revokes and audits nothing', async (_name, options) => {
    const { subject, events } = await bots(options);
    await expect(subject.delete(caller, botId, '192.0.2.1')).rejects.toMatchObject({
      status: 404,
      code: 'BOT_NOT_FOUND',
    });
    expect(events.filter((event) => /revoke|audit|told|profile|commit/.test(event))).toEqual([]);
  });
});
