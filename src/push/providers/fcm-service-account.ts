import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** The fields of a Google service-account key that FCM HTTP v1 needs. */
export interface FcmServiceAccount {
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
}

/** A setting that could not be read, with the reason (never the value: it holds a private key). */
export interface UnreadableSetting {
  unreadable: string;
}

const FIELDS = ['project_id', 'client_email', 'private_key', 'token_uri'] as const;

/**
 * FCM_SERVICE_ACCOUNT_JSON: the key file's JSON itself, or the path of the file. Read once, at
 * start, so a wrong value stops the process instead of failing every push.
 */
export function readServiceAccount(value: string): FcmServiceAccount | UnreadableSetting {
  const text = value.trim();
  let json = text;
  if (!text.startsWith('{')) {
    if (!existsSync(text)) return { unreadable: 'is neither JSON nor the path of an existing file' };
    json = readFileSync(text, 'utf8');
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { unreadable: 'does not hold valid JSON' };
  }
  const missing = FIELDS.filter((field) => typeof parsed?.[field] !== 'string' || parsed[field] === '');
  if (missing.length > 0) return { unreadable: `lacks ${missing.join(', ')}` };
  if (!URL.canParse(parsed.token_uri as string)) return { unreadable: 'has a token_uri that is not a URL' };
  try {
    if (createPrivateKey(parsed.private_key as string).asymmetricKeyType !== 'rsa') {
      return { unreadable: 'has a private_key that is not an RSA key' };
    }
  } catch {
    return { unreadable: 'has a private_key that is not a PEM private key' };
  }
  const [project_id, client_email, private_key, token_uri] = FIELDS.map((field) => parsed[field] as string);
  return { project_id, client_email, private_key, token_uri };
}
