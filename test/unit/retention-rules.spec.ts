import { MessageRetention } from '#src/privacy/message-retention.service.js';
import type { ClaimedRun } from '#src/privacy/retention-runs.repository.js';
import { T0 } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const run: ClaimedRun = { slot: 20_000n, cutoff: T0, attempts: 1 };

interface Script {
  claimed?: ClaimedRun | null;
  /** What each batch erases, in turn; `more` while batches remain. */
  batches?: number[];
  /** Whether the claim still holds at each batch's progress. */
  held?: boolean[];
  /** The run's total once finished; null: the claim was lost at the finish. */
  total?: number | null;
}

const retentionWith = async (script: Script, settings: Record<string, unknown> = { MESSAGE_RETENTION_DAYS: 30 }) => {
  const batches = [...(script.batches ?? [])];
  const held = [...(script.held ?? [])];
  const audited: unknown[] = [];
  const counted: number[] = [];
  const { subject, fakes } = await newTestService(
    MessageRetention,
    {
      RetentionRunsRepository: {
        claim: () => Promise.resolve(script.claimed ?? null),
        progress: (_run: ClaimedRun, erased: number) => {
          counted.push(erased);
          return Promise.resolve(held.shift() ?? true);
        },
        finish: async (_run: ClaimedRun, finished: (tx: unknown, erased: number) => Promise<void>) => {
          if (script.total === null) return null;
          await finished('tx', script.total ?? 0);
          return script.total ?? 0;
        },
      },
      MessageErasure: {
        eraseCreatedBefore: () => {
          const erased = batches.shift() ?? 0;
          return Promise.resolve({ erased, more: batches.length > 0 });
        },
      },
      AuditRepository: { record: (_tx: unknown, entry: unknown) => Promise.resolve(void audited.push(entry)) },
      PrivacyMetrics: { retentionChecked: () => undefined, messagesErased: () => undefined },
    },
    { settings },
  );
  return { subject, fakes, audited, counted };
};

describe('message retention', () => {
  it('is off without MESSAGE_RETENTION_DAYS: it claims nothing', async () => {
    const { subject, fakes } = await retentionWith({}, { MESSAGE_RETENTION_DAYS: undefined });
    await expect(subject.runDue()).resolves.toBe('off');
    expect(fakes.RetentionRunsRepository.claim).not.toHaveBeenCalled();
  });

  it('claims the period with the interval and the days, and skips it when another instance has it', async () => {
    const { subject, fakes } = await retentionWith(
      { claimed: null },
      { MESSAGE_RETENTION_DAYS: 30, MESSAGE_RETENTION_INTERVAL_SECONDS: 3600 },
    );
    await expect(subject.runDue()).resolves.toBe('skipped');
    expect(fakes.RetentionRunsRepository.claim.mock.calls).toEqual([[3600, 30, expect.any(Number)]]);
    expect(fakes.MessageErasure.eraseCreatedBefore).not.toHaveBeenCalled();
  });

  it('erases batch after batch before the cutoff the run began with, counting each, then finishes and audits it', async () => {
    const { subject, fakes, audited, counted } = await retentionWith({
      claimed: run,
      batches: [500, 500, 7],
      total: 1007,
    });
    await expect(subject.runDue()).resolves.toBe('ran');
    expect(fakes.MessageErasure.eraseCreatedBefore.mock.calls).toEqual([
      [T0, 500],
      [T0, 500],
      [T0, 500],
    ]);
    expect(counted).toEqual([500, 500, 7]);
    expect(audited).toEqual([
      {
        actorId: null,
        action: 'messages.retention',
        targetType: 'message',
        details: { erased: 1007, cutoff: T0.toISOString(), retentionDays: 30, period: '20000' },
      },
    ]);
  });

  it('writes no audit entry for a run that found nothing to erase', async () => {
    const { subject, audited } = await retentionWith({ claimed: run, batches: [0], total: 0 });
    await expect(subject.runDue()).resolves.toBe('ran');
    expect(audited).toEqual([]);
  });

  it('stops as soon as another instance took the run over, and does not finish it', async () => {
    const { subject, fakes } = await retentionWith({ claimed: run, batches: [500, 500, 500], held: [true, false] });
    await expect(subject.runDue()).resolves.toBe('skipped');
    expect(fakes.MessageErasure.eraseCreatedBefore).toHaveBeenCalledTimes(2);
    expect(fakes.RetentionRunsRepository.finish).not.toHaveBeenCalled();
  });

  it('counts a run lost at its finish as another instance’s', async () => {
    const { subject } = await retentionWith({ claimed: run, batches: [3], total: null });
    await expect(subject.runDue()).resolves.toBe('skipped');
  });
});
