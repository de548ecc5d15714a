import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SessionsService } from '#src/auth/sessions.service.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { SessionCloser } from './session-closer.js';
import type { ChatServer } from './socket-types.js';

export class SessionWatchSettings extends configSlice('PRESENCE_HEARTBEAT_SECONDS') {}

/**
 * Closes this instance's sockets whose session ended, checked against Postgres on every presence
 * heartbeat. Revocations normally close sockets at once through the Redis adapter; this catches
 * the ones whose notice was lost (Redis down at that moment) or that simply expired.
 */
@Injectable()
export class SessionWatch implements OnModuleDestroy {
  private readonly logger = new Logger(SessionWatch.name);
  private readonly everyMs: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsService,
    private readonly closer: SessionCloser,
    settings: SessionWatchSettings,
  ) {
    this.everyMs = settings.PRESENCE_HEARTBEAT_SECONDS * 1000;
  }

  start(server: ChatServer): void {
    this.timer = setInterval(() => void this.check(server), this.everyMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async check(server: ChatServer): Promise<void> {
    try {
      const sockets = await server.local.fetchSockets();
      const ids = [...new Set(sockets.map((socket) => socket.data.sessionId).filter(Boolean))];
      this.closer.closeHere(await this.sessions.endedAmong(ids));
    } catch (error) {
      this.logger.warn(`session check skipped: ${(error as Error).message}`);
    }
  }
}
