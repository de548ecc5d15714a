import { createHmac } from 'node:crypto';
import { newWebhookSecret, signingKey, webhookHeaders, webhookSignature } from '#src/webhooks/webhook-signature.js';
import { webhookBody } from '#src/webhooks/webhook-events.service.js';
import { verificationProblem } from '../support/webhook-receiver.js';

// The example of the Standard Webhooks specification (and of its reference libraries).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook secrets', () => {
  it('are whsec_ and the base64 of 32 random bytes, a new one each time', () => {
    const secrets = Array.from({ length: 50 }, newWebhookSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(signingKey(secret)).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('sign with the bytes of their base64 part, not with their text', () => {
    expect(signingKey(SPEC.secret)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
  });
});

describe('webhook signatures', () => {
  it('match the example of the Standard Webhooks specification', () => {
    expect(webhookSignature(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('are v1, and the base64 HMAC-SHA256 of id.timestamp.body', () => {
    const secret = newWebhookSecret();
    const body = webhookBody('member.added', new Date('2026-12-01T00:00:00.000Z'), { userIds: ['u'] });
    const expected = createHmac('sha256', signingKey(secret)).update(`d-1.1700000000.${body}`).digest('base64');
    expect(webhookSignature(secret, 'd-1', 1_700_000_000, body)).toBe(`v1,${expected}`);
  });

  it('change with each signed part and with the secret', () => {
    const secret = newWebhookSecret();
    const base = webhookSignature(secret, 'd-1', 1_700_000_000, '{}');
    expect(webhookSignature(secret, 'd-2', 1_700_000_000, '{}')).not.toBe(base);
    expect(webhookSignature(secret, 'd-1', 1_700_000_001, '{}')).not.toBe(base);
    expect(webhookSignature(secret, 'd-1', 1_700_000_000, '{ }')).not.toBe(base);
    expect(webhookSignature(newWebhookSecret(), 'd-1', 1_700_000_000, '{}')).not.toBe(base);
  });

  it('come with the id, the timestamp and the JSON content type, and verify as the specification says', () => {
    const secret = newWebhookSecret();
    const now = 1_700_000_000;
    const body = webhookBody('message.created', new Date(now * 1000), { id: 'm-1', body: 'héllo "world"' });
    const headers = webhookHeaders(secret, 'd-1', now, body);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'd-1',
      'webhook-timestamp': String(now),
      'webhook-signature': webhookSignature(secret, 'd-1', now, body),
    });
    expect(verificationProblem(secret, headers, body, now)).toBeNull();
    expect(verificationProblem(secret, headers, `${body} `, now)).toMatch(/no signature/);
    expect(verificationProblem(newWebhookSecret(), headers, body, now)).toMatch(/no signature/);
    expect(verificationProblem(secret, headers, body, now + 301)).toMatch(/stale/);
  });
});

describe('webhook bodies', () => {
  it('are { type, timestamp, data }, the timestamp in ISO 8601', () => {
    const body = webhookBody('user.suspended', new Date('2026-12-02T03:04:05.678Z'), { userId: 'u-1' });
    expect(JSON.parse(body)).toEqual({
      type: 'user.suspended',
      timestamp: '2026-12-02T03:04:05.678Z',
      data: { userId: 'u-1' },
    });
  });
});
