import { sign, type KeyObject } from 'node:crypto';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS over `claims`: RS256 with an RSA key, ES256 with a P-256 key. ES256 needs the raw
 * r||s signature of JWS (`ieee-p1363`), not the DER form `crypto.sign` gives by default.
 */
export function signedJwt(header: { alg: 'RS256' | 'ES256'; kid?: string }, claims: object, key: KeyObject): string {
  const input = `${base64url({ ...header, typ: 'JWT' })}.${base64url(claims)}`;
  const signature =
    header.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
