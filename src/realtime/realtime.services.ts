import { Injectable } from '@nestjs/common';
import { ReadMarksService } from '#src/conversations/read-marks.service.js';
import { MessagesService } from '#src/messages/messages.service.js';
import { SyncService } from '#src/messages/sync.service.js';
import { SocketTokens } from './socket-tokens.js';
import { TypingService } from './typing.service.js';

/** The services client events call into, the same ones the REST routes use. */
@Injectable()
export class RealtimeServices {
  constructor(
    readonly messages: MessagesService,
    readonly readMarks: ReadMarksService,
    readonly sync: SyncService,
    readonly typing: TypingService,
    readonly tokens: SocketTokens,
  ) {}
}
