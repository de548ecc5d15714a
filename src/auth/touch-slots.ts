/**
 * The sessions whose once-a-minute activity slot in Redis this instance claimed, until the slot
 * expires. While it holds one, asking Redis for it again on every request could only be refused.
 * Slots all last the same time, so the oldest claim is the first to expire: expired ones are
 * dropped from the front, and the map holds only the sessions active in the last interval.
 */
export class TouchSlots {
  private readonly heldUntil = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  holds(sessionId: string, now = Date.now()): boolean {
    const until = this.heldUntil.get(sessionId);
    return until !== undefined && now < until;
  }

  claimed(sessionId: string, now = Date.now()): void {
    for (const [id, until] of this.heldUntil) {
      if (until > now) break;
      this.heldUntil.delete(id);
    }
    // Deleted first, so that the entry moves to the back, in expiry order.
    this.heldUntil.delete(sessionId);
    this.heldUntil.set(sessionId, now + this.intervalMs);
  }
}
