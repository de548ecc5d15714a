import { generateKeyPairSync } from 'node:crypto';
import webpush from 'web-push';
import { validateEnv } from '#src/infra/config/env.validate.js';

const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('push settings', () => {
  it('read the FCM service account from its JSON', () => {
    const account = {
      project_id: 'p',
      client_email: 'a@p.iam.gserviceaccount.com',
      private_key: rsaPem(),
      token_uri: 'https://oauth2.example/token',
    };
    expect(validateEnv({ FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(account) }).FCM_SERVICE_ACCOUNT_JSON).toEqual(
      account,
    );
  });

  it.each([
    ['{"project_id": "secret-project-name"}', 'lacks client_email, private_key, token_uri'],
    ['{not json', 'does not hold valid JSON'],
    ['{"a":', 'does not hold valid JSON'],
    ['/no/such/file.json', 'is neither JSON nor the path of an existing file'],
  ])('stop the start on an unusable FCM_SERVICE_ACCOUNT_JSON, without echoing it (%s)', (value, reason) => {
    expect(() => validateEnv({ FCM_SERVICE_ACCOUNT_JSON: value })).toThrow(`FCM_SERVICE_ACCOUNT_JSON must be`);
    expect(() => validateEnv({ FCM_SERVICE_ACCOUNT_JSON: value })).toThrow(reason);
    expect(() => validateEnv({ FCM_SERVICE_ACCOUNT_JSON: value })).not.toThrow('secret-project-name');
  });

  it('want both VAPID keys, well formed', () => {
    const { publicKey, privateKey } = webpush.generateVAPIDKeys();
    expect(validateEnv({ WEBPUSH_VAPID_PUBLIC_KEY: publicKey, WEBPUSH_VAPID_PRIVATE_KEY: privateKey })).toMatchObject({
      WEBPUSH_VAPID_PUBLIC_KEY: publicKey,
      WEBPUSH_SUBJECT: 'mailto:push@localhost.invalid',
    });
    expect(() => validateEnv({ WEBPUSH_VAPID_PUBLIC_KEY: publicKey })).toThrow(
      'WEBPUSH_VAPID_PUBLIC_KEY needs WEBPUSH_VAPID_PRIVATE_KEY as well',
    );
    expect(() => validateEnv({ WEBPUSH_VAPID_PUBLIC_KEY: privateKey, WEBPUSH_VAPID_PRIVATE_KEY: privateKey })).toThrow(
      'WEBPUSH_VAPID_PUBLIC_KEY must be a base64url VAPID key of 65 bytes',
    );
  });

  it('want all four APNs settings and an EC P-256 key', () => {
    expect(() => validateEnv({ APNS_KEY_ID: 'ABCDE12345' })).toThrow(
      'APNS_KEY_ID needs APNS_KEY_P8, APNS_TEAM_ID, APNS_TOPIC as well',
    );
    expect(() =>
      validateEnv({ APNS_KEY_P8: rsaPem(), APNS_KEY_ID: 'ABCDE12345', APNS_TEAM_ID: 'TEAM123456', APNS_TOPIC: 'a.b' }),
    ).toThrow('APNS_KEY_P8 must be an APNs .p8 key (PEM text) or its path: it is not an EC P-256 private key');
  });

  it('default to previews on and private addresses refused', () => {
    expect(validateEnv({})).toMatchObject({ PUSH_INCLUDE_PREVIEW: true, OUTBOUND_ALLOW_PRIVATE_ADDRESSES: false });
  });
});
