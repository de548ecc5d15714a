import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
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
  private readonly deliveryLag: Histogram;

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
    this.deliveryLag = new Histogram({
      name: 'ws_delivery_lag_seconds',
      help: "From a new message's createdAt (the database's clock) to its emit to the members, on the instance that stored it",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  received(event: string, result: 'ok' | 'error' | 'rate_limited'): void {
    this.eventsIn.inc({ event, result });
  }

  sent(event: string): void {
    this.eventsOut.inc({ event });
  }

  /** A new message reached its emit; `createdAt` as stored. Clock skew below zero counts as none. */
  emittedMessage(createdAt: string): void {
    this.deliveryLag.observe(Math.max(0, Date.now() - Date.parse(createdAt)) / 1000);
  }
}
