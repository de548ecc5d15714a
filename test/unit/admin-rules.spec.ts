import { nextRole } from '#src/admin/admin-roles.js';
import { suspensionEnd, suspensionRefusal } from '#src/admin-users/suspension-rules.js';
import { assertApplicable, reportTarget, reportedMessageId } from '#src/reports/report-rules.js';
import { currentSuspension, suspendedSql } from '#src/users/suspension.js';
import { T0, newIds } from '../support/unit/records.js';

const [ada, bob, message] = newIds(3);
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('a stored suspension', () => {
  const stored = (until: Date | null) => ({ suspendedAt: T0, suspendedUntil: until, suspensionReason: 'spam' });

  it('holds for good without until, and until its until otherwise', () => {
    expect(currentSuspension(stored(null), later(10 ** 12))).toEqual({ since: T0, until: null, reason: 'spam' });
    expect(currentSuspension(stored(later(1000)), later(999))).toEqual({
      since: T0,
      until: later(1000),
      reason: 'spam',
    });
  });

  it('is over from the moment its until comes, with no job: every reader compares with now', () => {
    expect(currentSuspension(stored(later(1000)), later(1000))).toBeNull();
    expect(currentSuspension(stored(later(1000)), later(5000))).toBeNull();
  });

  it('is none when nothing is stored', () => {
    expect(currentSuspension({ suspendedAt: null, suspendedUntil: null, suspensionReason: null })).toBeNull();
  });

  it('has the same rule in SQL, for a table alias written in the code only', () => {
    expect(suspendedSql('u').sql).toBe(
      '(u.suspended_at IS NOT NULL AND (u.suspended_until IS NULL OR u.suspended_until > now()))',
    );
    expect(() => suspendedSql('u; DROP TABLE users')).toThrow('not a table alias');
  });
});

describe('who an admin may suspend, and until when', () => {
  it('anyone but themselves and other admins', () => {
    expect(suspensionRefusal(ada, bob, false)).toBeNull();
    expect(suspensionRefusal(ada, ada, false)).toMatchObject({ status: 400, code: 'CANNOT_SUSPEND_SELF' });
    expect(suspensionRefusal(ada, bob, true)).toMatchObject({ status: 403, code: 'CANNOT_SUSPEND_ADMIN' });
  });

  it('until a time after now, or until lifted', () => {
    expect(suspensionEnd(undefined, T0)).toBeNull();
    expect(suspensionEnd(null, T0)).toBeNull();
    expect(suspensionEnd(later(1).toISOString(), T0)).toEqual(later(1));
    for (const until of [T0.toISOString(), later(-1).toISOString()]) {
      expect(() => suspensionEnd(until, T0)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    expect(() => suspensionEnd('soon', T0)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('granting and revoking the admin role', () => {
  it.each([
    ['user', true, { role: 'admin' }],
    ['admin', true, 'unchanged'],
    ['admin', false, { role: 'user' }],
    ['user', false, 'unchanged'],
    ['bot', true, 'bot'],
    ['bot', false, 'unchanged'],
  ])('%s, grant %s → %j', (current, grant, expected) => {
    expect(nextRole(current, grant)).toEqual(expected);
  });
});

describe('what a report is about', () => {
  it('is exactly one of a message and a user', () => {
    expect(reportTarget({ messageId: message })).toEqual({ kind: 'message', messageId: message });
    expect(reportTarget({ userId: bob })).toEqual({ kind: 'user', userId: bob });
    const refused = (given: object, field: string) =>
      expect(() => reportTarget(given)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] }),
      );
    refused({}, 'messageId');
    refused({ messageId: message, userId: bob }, 'userId');
  });

  it('decides which resolutions fit: a message to delete, an until only for a suspension', () => {
    const ofMessage = { messageId: message };
    const ofUser = { messageId: null };
    expect(reportedMessageId(ofMessage)).toBe(message);
    expect(() => reportedMessageId(ofUser)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => assertApplicable('delete_message', ofUser, undefined)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => assertApplicable('dismiss', ofMessage, later(1).toISOString())).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'until' })] }),
    );
    for (const action of ['dismiss', 'delete_message', 'suspend_user'] as const) {
      expect(() => assertApplicable(action, ofMessage, null)).not.toThrow();
      expect(() => assertApplicable('suspend_user', ofUser, later(1).toISOString())).not.toThrow();
    }
  });
});
