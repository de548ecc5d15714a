/** A member's marks as stored: each only moves forward. */
export interface StoredMarks {
  lastReadSeq: number;
  lastDeliveredSeq: number;
  /** "Delete for me" hides up to here, and counts as read. */
  hiddenBeforeSeq: number;
}

/** The read mark as shown: what was read, or hidden, whichever is further. */
export const shownReadSeq = (marks: Omit<StoredMarks, 'lastDeliveredSeq'>): number =>
  Math.max(marks.lastReadSeq, marks.hiddenBeforeSeq);

/** The delivery mark as shown: reading implies delivery, so never behind the read mark. */
export const shownDeliveredSeq = (marks: StoredMarks): number => Math.max(marks.lastDeliveredSeq, shownReadSeq(marks));

/**
 * Who hears that a member's read or delivery mark moved: every member when the member shares their
 * marks (`readReceipts` on, and an accepted member: a message request's recipient is not seen
 * reading it before answering), else only the member's own sockets, so their other devices follow.
 */
export const markAudience = (userId: string, sharesMarks: boolean, memberIds: string[]): string[] =>
  sharesMarks ? memberIds : [userId];
