import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { PresenceService } from '#src/presence/presence.service.js';

/** Sockets, events in and out by name, online users and adapter errors, per instance. */
@Injectable()
export class RealtimeMetrics {
  readonly sockets: Gauge;
  private readonly eventsIn: Counter<'event' | 'result'>;
  private readonly eventsOut: Counter<'event'>;
  readonly adapterErrors: Counter;
  readonly refusedConnections: Counter<'reason'>;

  constructor(metrics: MetricsService, presence: PresenceService) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'presence_local_online_users',
      help: 'Users with at least one socket on this instance',
      registers,
      collect() {
        this.set(presence.localUsers);
      },
    });
    this.sockets = new Gauge({
      name: 'ws_connections',
      help: 'Open Socket.IO connections on this instance',
      registers,
    });
    this.eventsIn = new Counter({
      name: 'ws_events_in_total',
      help: 'Events received from clients, by name and result (ok | error | rate_limited)',
      labelNames: ['event', 'result'] as const,
      registers,
    });
    this.eventsOut = new Counter({
      name: 'ws_events_out_total',
      help: 'Events sent to clients (one per emit to the members of a conversation), by name',
      labelNames: ['event'] as const,
      registers,
    });
    this.adapterErrors = new Counter({
      name: 'ws_adapter_errors_total',
      help: 'Errors of the Socket.IO Redis adapter and its Redis clients',
      registers,
    });
    this.refusedConnections = new Counter({
      name: 'ws_connections_refused_total',
      help: 'Handshakes refused, by reason (unauthorized | rate_limited)',
      labelNames: ['reason'] as const,
      registers,
    });
  }

  received(event: string, result: 'ok' | 'error' | 'rate_limited'): void {
    this.eventsIn.inc({ event, result });
  }

  sent(event: string): void {
    this.eventsOut.inc({ event });
  }
}
