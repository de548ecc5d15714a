import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { UnreadableSetting } from './fcm-service-account.js';

/**
 * APNS_KEY_P8: the .p8 key's PEM text, or the path of the .p8 file. Returns the PEM, or why it
 * cannot be used (an APNs signing key is an EC P-256 private key).
 */
export function readApnsKey(value: string): string | UnreadableSetting {
  const text = value.trim();
  let pem = text.replace(/\\n/g, '\n');
  if (!text.startsWith('-----BEGIN')) {
    if (!existsSync(text)) return { unreadable: 'is neither a PEM key nor the path of an existing file' };
    pem = readFileSync(text, 'utf8');
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return { unreadable: 'is not an EC P-256 private key' };
    }
  } catch {
    return { unreadable: 'is not a PEM private key' };
  }
  return pem;
}
