import { createHash, randomBytes } from 'node:crypto';

/** What marks a bot's API key, so that a leaked one is easy to recognise (and to scan for). */
const BOT_KEY_PREFIX = 'bot_';
/** 32 random bytes, base64url without padding: 43 characters. */
const BOT_KEY = /^bot_[A-Za-z0-9_-]{43}$/;

export interface IssuedBotKey {
  /** Shown once, to the admin who created the bot; never stored. */
  apiKey: string;
  /** What is stored and looked up. */
  keyHash: string;
}

/** SHA-256 of the whole key, lower-case hex. A fast hash is enough: the key is 256 random bits. */
export const hashBotKey = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

export function issueBotKey(): IssuedBotKey {
  const apiKey = `${BOT_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { apiKey, keyHash: hashBotKey(apiKey) };
}

/** The key when `value` has the exact shape of one, else null: nothing else is hashed or looked up. */
export const parseBotKey = (value: unknown): string | null =>
  typeof value === 'string' && BOT_KEY.test(value) ? value : null;

/** What an `Authorization` header carries: a user's access token or a bot's API key. */
export type Credential = { scheme: 'bearer'; token: string } | { scheme: 'bot'; apiKey: string };

/** Longer than any access token or key: such a header is refused before it is split. */
const MAX_AUTHORIZATION_LENGTH = 4096;

/**
 * `Bearer <accessToken>` or `Bot <apiKey>`, the scheme in any case (RFC 9110), one space between;
 * null for anything else, a bot key of the wrong shape included.
 */
export function parseAuthorization(header: string | undefined): Credential | null {
  if (!header || header.length > MAX_AUTHORIZATION_LENGTH) return null;
  const parts = header.split(' ');
  if (parts.length !== 2 || !parts[1]) return null;
  const [scheme, value] = parts;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { scheme: 'bearer', token: value };
    case 'bot': {
      const apiKey = parseBotKey(value);
      return apiKey ? { scheme: 'bot', apiKey } : null;
    }
    default:
      return null;
  }
}
