import { createHmac, timingSafeEqual } from 'node:crypto';
import { API_PREFIX } from '#src/common/api.js';
import { linkInvalid } from './storage.errors.js';

/** Where the app serves the local driver's objects: `/<API_PREFIX>/storage/<kind>/<id>`. */
export const STORAGE_ROUTE = `${API_PREFIX}/storage`;

/** The fixed label the links' key is derived from JWT_SECRET with, when STORAGE_SIGNING_SECRET is unset. */
const DERIVED_KEY_LABEL = 'chat-backend/local-storage-links/v1';

export type LinkOperation = 'put' | 'get';

/** What a local link grants, as carried in its query (every field signed). */
export interface LinkGrant {
  op: LinkOperation;
  /** Unix seconds after which the link is refused. */
  exp: number;
  /** put: the most bytes it may store. */
  size?: number;
  /** put: the `Content-Type` the upload must be sent with; get: the one it is served with. */
  type: string;
  /** get: the name in `Content-Disposition`. */
  name?: string;
}

/** The HMAC key of the links: STORAGE_SIGNING_SECRET, or one derived from JWT_SECRET (stable across restarts and instances). */
export function linkSigningKey(signingSecret: string | undefined, jwtSecret: string): Buffer {
  if (signingSecret) return Buffer.from(signingSecret, 'utf8');
  return createHmac('sha256', jwtSecret).update(DERIVED_KEY_LABEL).digest();
}

const DIGITS = /^(0|[1-9]\d{0,15})$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Signs and checks the local driver's links:
 * `/api/v1/storage/<key>?op=put&exp=<unix>&size=<n>&type=<mime>&sig=<hex>` and
 * `/api/v1/storage/<key>?op=get&exp=<unix>&type=<mime>&name=<file name>&sig=<hex>`, `sig` being the
 * HMAC-SHA256 of the key and every other field, as an unambiguous JSON array.
 */
export class LocalStorageLinks {
  constructor(private readonly key: Buffer) {}

  /** The path and query of a link (relative: clients resolve it against the API's origin). */
  url(objectKey: string, grant: LinkGrant): string {
    const fields = this.fields(grant);
    const query = new URLSearchParams({ ...fields, sig: this.sign(objectKey, fields) });
    return `/${STORAGE_ROUTE}/${objectKey}?${query.toString()}`;
  }

  /**
   * The grant of a link's query for `objectKey`, or 403 `LINK_INVALID`: a field changed or missing,
   * a signature that does not match, another operation's link, or an expired one.
   */
  verify(objectKey: string, op: LinkOperation, query: unknown, nowSeconds: number): LinkGrant {
    const q = (query ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof q[name] === 'string' ? q[name] : undefined);
    const [opField, exp, size, type, name, sig] = ['op', 'exp', 'size', 'type', 'name', 'sig'].map(text);
    if (opField !== 'put' && opField !== 'get') throw linkInvalid('it is not a storage link');
    if (exp === undefined || !DIGITS.test(exp) || type === undefined || sig === undefined || !SIGNATURE.test(sig)) {
      throw linkInvalid('it is not a storage link');
    }
    if (opField === 'put' ? size === undefined || !DIGITS.test(size) : name === undefined) {
      throw linkInvalid('it is not a storage link');
    }
    const fields: Record<string, string> =
      opField === 'put' ? { op: opField, exp, size: size!, type } : { op: opField, exp, type, name: name! };
    const expected = Buffer.from(this.sign(objectKey, fields), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) throw linkInvalid('the signature does not match');
    if (opField !== op) throw linkInvalid(`it is a link to ${opField === 'put' ? 'upload' : 'download'}`);
    if (Number(exp) <= nowSeconds) throw linkInvalid('it has expired');
    return { op: opField, exp: Number(exp), size: size === undefined ? undefined : Number(size), type, name };
  }

  private fields(grant: LinkGrant): Record<string, string> {
    const common = { op: grant.op, exp: String(grant.exp) };
    return grant.op === 'put'
      ? { ...common, size: String(grant.size ?? 0), type: grant.type }
      : { ...common, type: grant.type, name: grant.name ?? '' };
  }

  private sign(objectKey: string, fields: Record<string, string>): string {
    const signed = JSON.stringify([
      DERIVED_KEY_LABEL,
      objectKey,
      fields.op,
      fields.exp,
      fields.size ?? '',
      fields.type,
      fields.name ?? '',
    ]);
    return createHmac('sha256', this.key).update(signed).digest('hex');
  }
}
