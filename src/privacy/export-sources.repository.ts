import { Injectable } from '@nestjs/common';
import type { User } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

export interface SessionEntry {
  id: string;
  device: { name: string | null; type: string | null; os: string | null };
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A device as its owner registered it; its push token and keys stay out (credentials, not data about the user). */
export interface DeviceEntry {
  id: string;
  platform: string;
  name: string | null;
  sessionId: string;
  createdAt: Date;
}

export interface BlockEntry {
  userId: string;
  blockedAt: Date;
}

/** The user's place in a conversation, and who shares it with them (ids only: no one else's profile). */
export interface MembershipEntry {
  conversationId: string;
  type: string;
  title: string | null;
  role: string;
  status: string;
  muted: boolean;
  lastReadSeq: number;
  hiddenBeforeSeq: number;
  joinedAt: Date;
  memberIds: string[];
}

export interface MessageEntry {
  id: string;
  conversationId: string;
  seq: number;
  clientMessageId: string;
  body: string;
  replyToId: string | null;
  threadRootId: string | null;
  attachments: unknown;
  createdAt: Date;
  editedAt: Date | null;
}

export interface UploadEntry {
  id: string;
  status: string;
  name: string;
  mimeType: string;
  size: number;
  width: number | null;
  height: number | null;
  createdAt: Date;
  attachedAt: Date | null;
}

/** Where a page starts: after this key (each list is read in the order of its key). */
export type After<K> = K | undefined;

/**
 * Everything an archive holds, read in pages of `limit` by keyset (each page starts after the
 * last key of the one before), so that no list is ever read whole: a user with 100,000 messages
 * costs as much memory as one with 100.
 */
@Injectable()
export class ExportSourcesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The account, unless it was deleted. */
  account(userId: string): Promise<User | null> {
    return this.prisma.user.findFirst({ where: { id: userId, deletedAt: null } });
  }

  async sessions(userId: string, limit: number, after: After<string>): Promise<SessionEntry[]> {
    const rows = await this.prisma.session.findMany({
      where: { userId, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({
      id: row.id,
      device: { name: row.deviceName, type: row.deviceType, os: row.deviceOs },
      ip: row.ip,
      userAgent: row.userAgent,
      createdAt: row.createdAt,
      lastActiveAt: row.lastActiveAt,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
    }));
  }

  devices(userId: string, limit: number, after: After<string>): Promise<DeviceEntry[]> {
    return this.prisma.device.findMany({
      where: { userId, ...(after && { id: { gt: after } }) },
      select: { id: true, platform: true, name: true, sessionId: true, createdAt: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  async blocks(userId: string, limit: number, after: After<string>): Promise<BlockEntry[]> {
    const rows = await this.prisma.block.findMany({
      where: { blockerId: userId, ...(after && { blockedId: { gt: after } }) },
      orderBy: { blockedId: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({ userId: row.blockedId, blockedAt: row.createdAt }));
  }

  /** The conversations the user is a member of, with their members' ids (two queries: members are read for the page only). */
  async memberships(userId: string, limit: number, after: After<string>): Promise<MembershipEntry[]> {
    const rows = await this.prisma.$queryRaw<Omit<MembershipEntry, 'memberIds'>[]>`
      SELECT cm.conversation_id AS "conversationId", c.type, c.title, cm.role, cm.status, cm.muted,
             cm.last_read_seq AS "lastReadSeq", cm.hidden_before_seq AS "hiddenBeforeSeq", cm.joined_at AS "joinedAt"
      FROM conversation_members cm
      JOIN conversations c ON c.id = cm.conversation_id
      WHERE cm.user_id = ${userId}::uuid AND (${after ?? null}::uuid IS NULL OR cm.conversation_id > ${after ?? null}::uuid)
      ORDER BY cm.conversation_id
      LIMIT ${limit}::int`;
    if (rows.length === 0) return [];
    const members = await this.prisma.conversationMember.findMany({
      where: { conversationId: { in: rows.map((row) => row.conversationId) } },
      select: { conversationId: true, userId: true },
      orderBy: [{ conversationId: 'asc' }, { joinedAt: 'asc' }],
    });
    const byConversation = new Map<string, string[]>();
    for (const member of members) {
      byConversation.set(member.conversationId, [...(byConversation.get(member.conversationId) ?? []), member.userId]);
    }
    return rows.map((row) => ({ ...row, memberIds: byConversation.get(row.conversationId) ?? [] }));
  }

  /** The user's own messages, tombstones aside, by conversation and seq (the `messages_sender_idx` index). */
  messages(
    userId: string,
    limit: number,
    after: After<{ conversationId: string; seq: number }>,
  ): Promise<MessageEntry[]> {
    return this.prisma.$queryRaw<MessageEntry[]>`
      SELECT id, conversation_id AS "conversationId", seq, client_message_id AS "clientMessageId", body,
             reply_to_id AS "replyToId", thread_root_id AS "threadRootId", attachments,
             created_at AS "createdAt", edited_at AS "editedAt"
      FROM messages
      WHERE sender_id = ${userId}::uuid AND deleted_at IS NULL
        AND (${after?.conversationId ?? null}::uuid IS NULL
             OR (conversation_id, seq) > (${after?.conversationId ?? null}::uuid, ${after?.seq ?? 0}::int))
      ORDER BY conversation_id, seq
      LIMIT ${limit}::int`;
  }

  uploads(userId: string, limit: number, after: After<{ createdAt: Date; id: string }>): Promise<UploadEntry[]> {
    return this.prisma.$queryRaw<UploadEntry[]>`
      SELECT id, status, name, mime_type AS "mimeType", size, width, height,
             created_at AS "createdAt", attached_at AS "attachedAt"
      FROM uploads
      WHERE user_id = ${userId}::uuid AND status <> 'deleting'
        AND (${after?.createdAt ?? null}::timestamptz IS NULL
             OR (created_at, id) > (${after?.createdAt ?? null}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY created_at, id
      LIMIT ${limit}::int`;
  }
}
