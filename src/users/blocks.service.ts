import { Injectable } from '@nestjs/common';
import {
  decodeCursor,
  isCursorId,
  isCursorTime,
  toPage,
  type ListQueryDto,
  type Page,
} from '#src/common/pagination/pagination.js';
import { BlocksRepository } from './blocks.repository.js';
import { toPublicProfile, type BlockView } from './user.presenter.js';
import { cannotBlockSelf, userNotFound } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

type BlockCursor = { createdAt: string; blockedId: string };
const isBlockCursor = (value: unknown): value is BlockCursor =>
  isCursorTime((value as BlockCursor | null)?.createdAt) && isCursorId((value as BlockCursor).blockedId);

@Injectable()
export class BlocksService {
  constructor(
    private readonly blocks: BlocksRepository,
    private readonly users: UsersRepository,
  ) {}

  async block(blockerId: string, blockedId: string): Promise<void> {
    if (blockerId === blockedId) throw cannotBlockSelf();
    if (!(await this.users.findById(blockedId))) throw userNotFound();
    await this.blocks.add(blockerId, blockedId);
  }

  unblock(blockerId: string, blockedId: string): Promise<void> {
    return this.blocks.remove(blockerId, blockedId);
  }

  /** Those of `candidates` who blocked `userId`: `userId` cannot bring them into a conversation. */
  blockersAmong(userId: string, candidates: string[]): Promise<string[]> {
    return this.blocks.blockersAmong(userId, candidates);
  }

  /**
   * Whether bringing `newcomers` into a group of `members` would put two users who block each
   * other (either way) in one conversation: nobody may do that (docs/api.md).
   */
  blockedWithin(newcomers: string[], members: string[]): Promise<boolean> {
    if (newcomers.length === 0) return Promise.resolve(false);
    return this.blocks.anyTouching(newcomers, [...new Set([...members, ...newcomers])]);
  }

  /** Whether either user blocked the other: a direct conversation between them is closed both ways. */
  blockedEitherWay(a: string, b: string): Promise<boolean> {
    return this.blocks.existsBetween(a, b);
  }

  /** Those of `candidates` with a block either way with `userId`. */
  async blockedEitherWayAmong(userId: string, candidates: string[]): Promise<Set<string>> {
    return new Set(candidates.length ? await this.blocks.eitherWayAmong(userId, candidates) : []);
  }

  async list(blockerId: string, query: ListQueryDto): Promise<Page<BlockView>> {
    const rows = await this.blocks.list(blockerId, query.limit + 1, decodeCursor(query.cursor, isBlockCursor));
    return toPage(
      rows,
      query.limit,
      (row) => ({ user: toPublicProfile(row.blocked), blockedAt: row.createdAt.toISOString() }),
      (row) => ({ createdAt: row.createdAt.toISOString(), blockedId: row.blockedId }),
    );
  }
}
