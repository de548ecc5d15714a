import { Injectable } from '@nestjs/common';
import type { Upload } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

export type UploadStatus = 'pending' | 'ready' | 'rejected' | 'deleting';
export type UploadRow = Omit<Upload, 'status'> & { status: UploadStatus };

export interface NewUpload {
  userId: string;
  name: string;
  mimeType: string;
  size: number;
}

/** What completion learnt from the bytes. */
export interface Inspected {
  mimeType: string;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

/** An upload the sweep took: its bytes are deleted next, then the row. */
export interface TakenUpload {
  id: string;
  hasThumbnail: boolean;
}

/** Unattached uploads are kept this long. */
const ABANDONED_AFTER = '24 hours';
/** Rejected ones until their upload link (15 minutes) has surely expired. */
const REJECTED_AFTER = '1 hour';

@Injectable()
export class UploadsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(upload: NewUpload): Promise<UploadRow> {
    return (await this.prisma.upload.create({ data: upload })) as UploadRow;
  }

  /** The user's own upload; null for anyone else's, as for none. */
  async findOwn(userId: string, id: string): Promise<UploadRow | null> {
    return (await this.prisma.upload.findFirst({ where: { id, userId } })) as UploadRow | null;
  }

  /** Completes a pending upload; null when it is no longer pending (completed or rejected meanwhile). */
  async markReady(id: string, inspected: Inspected): Promise<UploadRow | null> {
    const { count } = await this.prisma.upload.updateMany({
      where: { id, status: 'pending' },
      data: { ...inspected, status: 'ready' },
    });
    return count === 0 ? null : ((await this.prisma.upload.findUnique({ where: { id } })) as UploadRow);
  }

  /** Kept as `rejected` until its upload link has expired, then swept: a late PUT's bytes go with it. */
  async markRejected(id: string): Promise<void> {
    await this.prisma.upload.updateMany({ where: { id, status: 'pending' }, data: { status: 'rejected' } });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.upload.deleteMany({ where: { id } });
  }

  /** The user's own ready uploads among `ids`. */
  async findReady(userId: string, ids: string[]): Promise<UploadRow[]> {
    if (ids.length === 0) return [];
    return (await this.prisma.upload.findMany({
      where: { id: { in: ids }, userId, status: 'ready' },
    })) as UploadRow[];
  }

  /**
   * Marks them attached now, those still ready: the sweep of abandoned and released uploads leaves
   * alone one attached since it looked. The ids of those marked.
   */
  async markAttached(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE uploads SET attached_at = now() WHERE id = ANY(${ids}::uuid[]) AND status = 'ready' RETURNING id`;
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Whether `userId` may get links to the upload: it is theirs, or a message they can see carries
   * it (a member still, the message after their hide point and not deleted, and in a direct
   * conversation no block between them and its sender).
   */
  async visibleTo(userId: string, id: string): Promise<UploadRow | null> {
    const upload = (await this.prisma.upload.findFirst({ where: { id, status: 'ready' } })) as UploadRow | null;
    if (!upload) return null;
    if (upload.userId === userId) return upload;
    const [row] = await this.prisma.$queryRaw<{ visible: boolean }[]>`
      SELECT EXISTS (
        SELECT 1
        FROM message_attachments a
        JOIN messages m ON m.conversation_id = a.conversation_id AND m.id = a.message_id
        JOIN conversation_members cm ON cm.conversation_id = a.conversation_id AND cm.user_id = ${userId}::uuid
        WHERE a.upload_id = ${id}::uuid AND a.released_at IS NULL AND m.deleted_at IS NULL
          AND cm.status <> 'declined' AND m.seq > cm.hidden_before_seq
          AND NOT EXISTS (
            SELECT 1 FROM blocks b
            WHERE (b.blocker_id = ${userId}::uuid AND b.blocked_id = m.sender_id)
               OR (b.blocker_id = m.sender_id AND b.blocked_id = ${userId}::uuid))
      ) AS visible`;
    return row?.visible ? upload : null;
  }

  /**
   * Takes up to `limit` uploads to delete: never attached and older than a day, rejected ones whose
   * upload link has expired, or those left half deleted by an earlier sweep. Marked `deleting`
   * first, so no message can attach one any more.
   */
  takeAbandoned(limit: number): Promise<TakenUpload[]> {
    return this.prisma.$queryRaw<TakenUpload[]>`
      UPDATE uploads SET status = 'deleting'
      WHERE id IN (
        SELECT id FROM uploads
        WHERE status = 'deleting'
           OR (status = 'rejected' AND created_at < now() - ${REJECTED_AFTER}::interval)
           OR (attached_at IS NULL AND created_at < now() - ${ABANDONED_AFTER}::interval)
        ORDER BY created_at LIMIT ${limit}::int
      )
      RETURNING id, has_thumbnail AS "hasThumbnail"`;
  }

  /**
   * Takes up to `limit` of the user's uploads, whatever their state, with the rows of messages that
   * carried them (all released by then: their messages were erased).
   */
  async takeAllOf(userId: string, limit: number): Promise<TakenUpload[]> {
    const taken = await this.prisma.$queryRaw<TakenUpload[]>`
      UPDATE uploads SET status = 'deleting'
      WHERE id IN (SELECT id FROM uploads WHERE user_id = ${userId}::uuid ORDER BY created_at LIMIT ${limit}::int)
      RETURNING id, has_thumbnail AS "hasThumbnail"`;
    if (taken.length > 0) {
      await this.prisma.$executeRaw`
        DELETE FROM message_attachments WHERE upload_id = ANY(${taken.map((upload) => upload.id)}::uuid[])`;
    }
    return taken;
  }

  /** Uploads of deleted messages, by the released rows that name them. */
  async released(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ uploadId: string }[]>`
      SELECT DISTINCT upload_id AS "uploadId" FROM message_attachments
      WHERE released_at IS NOT NULL LIMIT ${limit}::int`;
    return rows.map((row) => row.uploadId);
  }

  /**
   * Takes those of `ids` that no message carries any more, unless one was attached after
   * `since` (it is about to be carried again). Their released rows go.
   */
  async takeUnreferenced(ids: string[], since: Date): Promise<TakenUpload[]> {
    const carried = await this.prisma.$queryRaw<{ uploadId: string }[]>`
      SELECT DISTINCT upload_id AS "uploadId" FROM message_attachments
      WHERE upload_id = ANY(${ids}::uuid[]) AND released_at IS NULL`;
    const kept = new Set(carried.map((row) => row.uploadId));
    const free = ids.filter((id) => !kept.has(id));
    const taken =
      free.length === 0
        ? []
        : await this.prisma.$queryRaw<TakenUpload[]>`
            UPDATE uploads SET status = 'deleting'
            WHERE id = ANY(${free}::uuid[]) AND status = 'ready' AND attached_at < ${since}
            RETURNING id, has_thumbnail AS "hasThumbnail"`;
    await this.prisma.$executeRaw`
      DELETE FROM message_attachments WHERE upload_id = ANY(${ids}::uuid[]) AND released_at IS NOT NULL`;
    return taken;
  }
}
