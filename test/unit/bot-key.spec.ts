import { createHash } from 'node:crypto';
import { hashBotKey, issueBotKey, parseAuthorization, parseBotKey } from '#src/auth/bot-key.js';

const KEY = `bot_${'A'.repeat(42)}w`;

describe("a bot's API key", () => {
  it('is bot_ and 43 base64url characters (32 random bytes), different every time', () => {
    const keys = Array.from({ length: 200 }, () => issueBotKey().apiKey);
    for (const key of keys) {
      expect(key).toMatch(/^bot_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is stored as the SHA-256 of the whole key, lower-case hex, and only that', () => {
    const { apiKey, keyHash } = issueBotKey();
    expect(keyHash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    expect(keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashBotKey(apiKey)).toBe(keyHash);
    expect(keyHash).not.toContain(apiKey.slice(4, 20));
  });

  it('hashes keys that differ in one character apart', () => {
    expect(hashBotKey(KEY)).not.toBe(hashBotKey(`${KEY.slice(0, -1)}x`));
  });

  it('is parsed only in its exact shape', () => {
    expect(parseBotKey(KEY)).toBe(KEY);
    for (const bad of [
      '',
      'bot_',
      KEY.slice(0, -1),
      `${KEY}A`,
      KEY.replace('bot_', 'BOT_'),
      KEY.replace('bot_', 'bot-'),
      `${KEY.slice(0, -1)}+`,
      `${KEY.slice(0, -1)}=`,
      ` ${KEY}`,
      `${KEY}\n`,
      `bot_${'A'.repeat(10_000)}`,
      42,
      null,
      undefined,
      { key: KEY },
      [KEY],
    ]) {
      expect(parseBotKey(bad)).toBeNull();
    }
  });
});

describe('the Authorization header', () => {
  it('carries a Bearer access token or a Bot key, the scheme in any case', () => {
    expect(parseAuthorization('Bearer abc.def.ghi')).toEqual({ scheme: 'bearer', token: 'abc.def.ghi' });
    expect(parseAuthorization('bearer abc')).toEqual({ scheme: 'bearer', token: 'abc' });
    for (const scheme of ['Bot', 'bot', 'BOT']) {
      expect(parseAuthorization(`${scheme} ${KEY}`)).toEqual({ scheme: 'bot', apiKey: KEY });
    }
  });

  it.each([
    ['nothing', undefined],
    ['an empty header', ''],
    ['a scheme alone', 'Bot'],
    ['a scheme and a space', 'Bearer '],
    ['two spaces', `Bot  ${KEY}`],
    ['three parts', `Bot ${KEY} extra`],
    ['another scheme', `Basic ${KEY}`],
    ['a key of the wrong shape', 'Bot bot_short'],
    ['an access token under Bot', 'Bot eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['an oversized header', `Bearer ${'a'.repeat(5000)}`],
  ])('is refused with %s', (_name, header) => {
    expect(parseAuthorization(header)).toBeNull();
  });
});
