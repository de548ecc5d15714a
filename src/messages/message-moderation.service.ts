import { Injectable } from '@nestjs/common';
import type { AdminActor } from '#src/admin/admin-actor.js';
import { AuditRepository } from '#src/admin/audit.repository.js';
import type { Prisma } from '#src/generated/prisma/client.js';
import { MessageChangesService } from './message-changes.service.js';
import { MessagesService } from './messages.service.js';

/** A system admin's deletion of any message: the members' own deletion path, audited with it. */
@Injectable()
export class MessageModeration {
  constructor(
    private readonly reader: MessagesService,
    private readonly changes: MessageChangesService,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Tombstones the message, writing its `message.deleted` audit row in the same transaction; one
   * already deleted is left as it is, with no row. `alongside` runs in that transaction either way
   * (a report's resolution), and when it throws the message stays. 404 `MESSAGE_NOT_FOUND` for an
   * unknown id.
   */
  async delete(
    actor: AdminActor,
    messageId: string,
    alongside?: (tx: Prisma.TransactionClient) => Promise<void>,
    details: Prisma.InputJsonObject = {},
  ): Promise<void> {
    const message = await this.reader.findAny(messageId);
    await this.changes.deleteAny(message.conversationId, messageId, async (tx, deleted) => {
      if (deleted) {
        await this.audit.record(tx, {
          actorId: actor.userId,
          ip: actor.ip,
          action: 'message.deleted',
          targetType: 'message',
          targetId: messageId,
          details: { conversationId: message.conversationId, senderId: message.senderId, seq: message.seq, ...details },
        });
      }
      await alongside?.(tx);
    });
  }
}
