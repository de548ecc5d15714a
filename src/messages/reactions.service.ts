import { Injectable } from '@nestjs/common';
import { messageNotFound } from './messages.errors.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';

/** Reactors listed per emoji (docs/api.md: the first 20). */
export const REACTORS_LISTED = 20;

/** One emoji on a message: how many gave it, whether the caller did, and its first reactors. */
export interface ReactionDetail {
  emoji: string;
  count: number;
  me: boolean;
  userIds: string[];
}

/** Who reacted to a message, as its members see it. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reader: MessagesService,
  ) {}

  /** The reactions of a visible, live message: most given first, then the earliest given. */
  async list(userId: string, conversationId: string, messageId: string): Promise<{ items: ReactionDetail[] }> {
    const { record } = await this.reader.findVisible(userId, conversationId, messageId);
    // A tombstone keeps no reactions: it is not a message to ask about.
    if (record.deletedAt) throw messageNotFound();
    return { items: await this.messages.reactionDetails(conversationId, messageId, userId, REACTORS_LISTED) };
  }
}
