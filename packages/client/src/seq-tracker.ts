interface Seen {
  /** Every seq up to here is known. */
  floor: number;
  /** Seqs above the floor already delivered. */
  above: Set<number>;
}

/**
 * The messages a client has seen, per conversation: the point `sync` resumes from after a
 * disconnect, and what keeps a message that arrives twice (live and through sync) from being
 * delivered twice.
 */
export class SeqTracker {
  private readonly conversations = new Map<string, Seen>();

  /** Records `seq`; false when it was already seen (or lies below what is known). */
  observe(conversationId: string, seq: number): boolean {
    // The first message seen of a conversation is its starting point: nothing older is missing.
    const seen = this.entry(conversationId, seq - 1);
    if (seq <= seen.floor || seen.above.has(seq)) return false;
    seen.above.add(seq);
    while (seen.above.delete(seen.floor + 1)) seen.floor += 1;
    return true;
  }

  /** Everything up to `seq` is known (a conversation list's `lastSeq`, a page just fetched). */
  knownUpTo(conversationId: string, seq: number): void {
    const seen = this.entry(conversationId, seq);
    if (seq <= seen.floor) return;
    seen.floor = seq;
    for (const above of seen.above) if (above <= seq) seen.above.delete(above);
    while (seen.above.delete(seen.floor + 1)) seen.floor += 1;
  }

  /** Where `sync` resumes: everything up to it was seen. */
  since(conversationId: string): number | undefined {
    return this.conversations.get(conversationId)?.floor;
  }

  /** Forgets everything (signed out: the next user's conversations are others). */
  clear(): void {
    this.conversations.clear();
  }

  conversationIds(): string[] {
    return [...this.conversations.keys()];
  }

  private entry(conversationId: string, floor: number): Seen {
    let seen = this.conversations.get(conversationId);
    if (!seen) {
      seen = { floor: Math.max(0, floor), above: new Set() };
      this.conversations.set(conversationId, seen);
    }
    return seen;
  }
}
