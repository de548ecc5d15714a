import { Injectable } from '@nestjs/common';

type Phase = 'starting' | 'serving' | 'draining';

/**
 * Where this instance is in its life. Readiness is true only while `serving`: on SIGTERM the
 * instance turns `draining` first, so the load balancer stops sending traffic before it closes.
 */
@Injectable()
export class AppLifecycle {
  private phase: Phase = 'starting';

  markServing(): void {
    if (this.phase === 'starting') this.phase = 'serving';
  }

  beginDrain(): void {
    this.phase = 'draining';
  }

  get current(): Phase {
    return this.phase;
  }
}
