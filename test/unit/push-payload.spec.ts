import { collapseIdOf, pushPayload, PUSH_PREVIEW_LENGTH, type PushRequest } from '#src/push/push-payload.js';
import { newIds } from '../support/unit/records.js';

const [ada, bob, conversationId, messageId] = newIds(4);

const aRequest = (overrides: Partial<PushRequest> = {}): PushRequest => ({
  userId: bob,
  kind: 'message',
  conversationId,
  messageId,
  seq: 7,
  actorId: ada,
  body: 'see you at noon',
  ...overrides,
});

describe('what a push tells the device', () => {
  it('says who wrote, where, which message, and carries the badge', () => {
    expect(pushPayload(aRequest(), 'Ada', 3, true)).toEqual({
      kind: 'message',
      conversationId,
      messageId,
      seq: 7,
      senderName: 'Ada',
      preview: 'see you at noon',
      badge: 3,
    });
  });

  it('shows a long message only up to 100 characters', () => {
    const body = 'a'.repeat(250);
    expect(PUSH_PREVIEW_LENGTH).toBe(100);
    expect(pushPayload(aRequest({ body }), 'Ada', 0, true).preview).toBe('a'.repeat(100));
  });

  it('counts characters as code points, so an emoji at the cut is kept whole', () => {
    const body = `${'a'.repeat(99)}😀😀 and more`;
    const preview = pushPayload(aRequest({ body }), 'Ada', 0, true).preview!;
    expect(Array.from(preview)).toHaveLength(100);
    expect(preview).toBe(`${'a'.repeat(99)}😀`);
    // No lone surrogate at the end: the emoji is whole.
    expect(preview.endsWith('\u{1F600}')).toBe(true);
  });

  it('keeps a message of exactly 100 emoji whole', () => {
    const body = '🎉'.repeat(100);
    expect(pushPayload(aRequest({ body }), 'Ada', 0, true).preview).toBe(body);
  });

  it('shows no preview when previews are off', () => {
    expect(pushPayload(aRequest(), 'Ada', 1, false)).not.toHaveProperty('preview');
  });

  it('shows no preview for a message request, which has no body', () => {
    const request = aRequest({ kind: 'request', messageId: null, seq: null, body: null });
    expect(pushPayload(request, 'Ada', 2, true)).toEqual({
      kind: 'request',
      conversationId,
      messageId: null,
      seq: null,
      senderName: 'Ada',
      badge: 2,
    });
  });
});

describe('the collapse id of an event’s pushes', () => {
  it('is 32 lowercase hex digits', () => {
    expect(collapseIdOf('0F8FAD5B-D9CB-469F-A165-70867728950E')).toMatch(/^[0-9a-f]{32}$/);
    for (const [id] of [newIds(1), newIds(1)]) expect(collapseIdOf(id)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is the same for the same event, so a push sent again replaces the first on the device', () => {
    const [id] = newIds(1);
    expect(collapseIdOf(id)).toBe(collapseIdOf(id));
    expect(collapseIdOf(id.toUpperCase())).toBe(collapseIdOf(id));
  });

  it('differs between events', () => {
    const [one, two] = newIds(2);
    expect(collapseIdOf(one)).not.toBe(collapseIdOf(two));
  });
});
