import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type ValidationPipe } from '@nestjs/common';
import { invalidField, tooManyRequests } from '#src/common/errors/common.errors.js';
import { toErrorBody } from '#src/common/errors/error-body.js';
import { payloadProblem } from '#src/common/validation/payload-problem.js';
import { createValidationPipe } from '#src/common/validation/validation.pipe.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { rateLimited } from '#src/infra/rate-limit/rate-limit.guard.js';
import { RateLimitMetrics } from '#src/infra/rate-limit/rate-limit.metrics.js';
import { RateLimiter } from '#src/infra/rate-limit/rate-limiter.service.js';
import { userSubject } from '#src/infra/rate-limit/write-limits.js';
import { CLIENT_EVENTS, type ClientEventDto, type ClientEventName, type ClientEventResults } from './client-events.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import type { AckReply } from './server-events.js';
import type { ChatSocket } from './socket-types.js';

/** The ack callback a client may pass with an event (none when it did not ask for an answer). */
export type AckFn = ((reply: AckReply<unknown>) => void) | undefined;

interface Bucket {
  tokens: number;
  at: number;
}

export class SocketEventSettings extends configSlice('SOCKET_EVENTS_PER_SECOND') {}

/**
 * Runs one client event: the socket's event budget, then the user's limit for this kind of write
 * (the rule REST uses for the same thing, so both share one budget), then the payload through the
 * same validation as REST bodies, then the handler. The ack gets `{ ok: true, data }` or
 * `{ ok: false, error }` in the REST error shape; nothing a client sends can escape as an
 * unhandled error.
 */
@Injectable()
export class SocketEventRunner {
  private readonly logger = new Logger('SocketEvents');
  private readonly validation: ValidationPipe = createValidationPipe();
  private readonly buckets = new WeakMap<ChatSocket, Bucket>();
  private readonly perSecond: number;

  constructor(
    private readonly metrics: RealtimeMetrics,
    private readonly limiter: RateLimiter,
    private readonly limitMetrics: RateLimitMetrics,
    settings: SocketEventSettings,
  ) {
    this.perSecond = settings.SOCKET_EVENTS_PER_SECOND;
  }

  async run<E extends ClientEventName>(
    event: E,
    socket: ChatSocket,
    payload: unknown,
    ack: AckFn,
    handler: (dto: ClientEventDto<E>) => Promise<ClientEventResults[E]>,
  ): Promise<void> {
    const { dto, limit } = CLIENT_EVENTS[event];
    const reply = typeof ack === 'function' ? ack : () => undefined;
    if (!this.take(socket)) {
      this.metrics.received(event, 'rate_limited');
      reply({ ok: false, error: toErrorBody(tooFast(), randomUUID()) });
      return;
    }
    const rate = await this.limiter.hitRule(limit, userSubject(socket.data.userId));
    if (!rate.allowed) {
      this.limitMetrics.rejected(event, limit.name);
      this.metrics.received(event, 'rate_limited');
      reply({ ok: false, error: toErrorBody(rateLimited(rate), randomUUID()) });
      return;
    }
    try {
      const problem = payloadProblem(payload);
      if (problem) throw invalidField('payload', `the payload is not accepted: ${problem}`);
      const valid = (await this.validation.transform(payload, { type: 'body', metatype: dto })) as ClientEventDto<E>;
      const data = await handler(valid);
      this.metrics.received(event, 'ok');
      reply({ ok: true, data: data ?? null });
    } catch (error) {
      const body = toErrorBody(error, randomUUID());
      // The requestId the client got, with whose socket it was: how a client's report is found in the logs.
      const context = { event, requestId: body.requestId, socketId: socket.id, userId: socket.data.userId };
      if (body.statusCode === 500) this.logger.error({ err: error, ...context }, `${event} failed`);
      else this.logger.log({ ...context, statusCode: body.statusCode, code: body.code }, `${event} refused`);
      this.metrics.received(event, 'error');
      reply({ ok: false, error: body });
    }
  }

  /** A token bucket per socket: SOCKET_EVENTS_PER_SECOND, bursts of twice that. */
  private take(socket: ChatSocket): boolean {
    const now = Date.now();
    const capacity = this.perSecond * 2;
    const bucket = this.buckets.get(socket) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(socket, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

const tooFast = () => tooManyRequests('Too many events on this connection; slow down');
