import { verify, type KeyObject } from 'node:crypto';

export interface CheckedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Parses a compact JWS and checks its signature as the real service would; a string says what is wrong. */
export function checkJwt(token: string, alg: 'RS256' | 'ES256', key: KeyObject): CheckedJwt | string {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a compact JWS';
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    return 'header or claims are not JSON';
  }
  if (header.alg !== alg) return `alg is ${String(header.alg)}, not ${alg}`;
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const valid =
    alg === 'ES256'
      ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify('sha256', data, key, signature);
  return valid ? { header, claims } : 'bad signature';
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
