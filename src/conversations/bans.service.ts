import { Injectable } from '@nestjs/common';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { userNotFound } from '#src/users/users.errors.js';
import { UsersService } from '#src/users/users.service.js';
import { BansRepository, type BanPosition, type BanRow } from './bans.repository.js';
import { ConversationAccess } from './conversation-access.service.js';
import { memberOf } from './conversation-meta.js';
import { notGroupAdmin } from './conversations.errors.js';
import type { BanCreateDto } from './dto/moderation.dto.js';
import { MembersService } from './members.service.js';
import { outranks, untilOf } from './moderation-rules.js';
import { toBanView, type BanView } from './moderation.presenter.js';

const isBanPosition = (value: unknown): value is BanPosition =>
  isCursorTime((value as BanPosition | null)?.createdAt) && isCursorId((value as BanPosition).userId);

/**
 * Bans from groups (owner/admin): a ban removes the member through the one removal path, and
 * MembersRepository.add refuses the user while it lasts. Bans and their lifting are audited in the
 * transaction that makes them.
 */
@Injectable()
export class BansService {
  constructor(
    private readonly bans: BansRepository,
    private readonly access: ConversationAccess,
    private readonly members: MembersService,
    private readonly users: UsersService,
    private readonly audit: AuditRepository,
  ) {}

  /** Bans `dto.userId` (a member the caller outranks, or any other user), replacing an earlier ban of theirs. */
  async ban(callerId: string, conversationId: string, dto: BanCreateDto, ip: string): Promise<BanView> {
    const { conversation, member: caller } = await this.access.requireManager(callerId, conversationId);
    const target = memberOf(conversation, dto.userId);
    // Also refuses banning oneself: only the owner and admins get here, and nobody outranks themself.
    if (!outranks(caller, target)) {
      throw notGroupAdmin('Only the owner can ban an admin, and nobody can ban the owner or themself');
    }
    const until = untilOf(dto.until, new Date());
    if (!target && !(await this.users.activeIds([dto.userId])).has(dto.userId)) throw userNotFound();
    const reason = dto.reason?.trim() ?? null;
    let placed: BanRow | undefined;
    await this.members.removeWith(conversation, dto.userId, async (tx) => {
      placed = await this.bans.place(tx, { conversationId, userId: dto.userId, bannedBy: callerId, reason, until });
      await this.audit.record(tx, {
        actorId: callerId,
        action: 'member.banned',
        targetType: 'user',
        targetId: dto.userId,
        details: { conversationId, until: until?.toISOString() ?? null, reason, wasMember: target !== undefined },
        ip,
      });
    });
    return toBanView(placed!);
  }

  /** Lifts the user's ban; lifting none changes nothing (and is not audited). */
  async unban(callerId: string, conversationId: string, userId: string, ip: string): Promise<void> {
    await this.access.requireManager(callerId, conversationId);
    await this.bans.lift(conversationId, userId, (tx) =>
      this.audit.record(tx, {
        actorId: callerId,
        action: 'member.unbanned',
        targetType: 'user',
        targetId: userId,
        details: { conversationId },
        ip,
      }),
    );
  }

  /** The bans in force, newest first. */
  async list(callerId: string, conversationId: string, limit: number, cursor?: string): Promise<Page<BanView>> {
    await this.access.requireManager(callerId, conversationId);
    const after = decodeCursor(cursor, isBanPosition);
    const rows = await this.bans.page(conversationId, limit + 1, after);
    return toPage(rows, limit, toBanView, (row) => ({ createdAt: row.createdAt.toISOString(), userId: row.userId }));
  }
}
