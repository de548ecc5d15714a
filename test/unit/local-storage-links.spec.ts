import { LocalStorageLinks, linkSigningKey } from '#src/uploads/storage/local-storage-links.js';

const JWT_SECRET = 'a-jwt-secret-that-is-at-least-32-characters';
const key = 'uploads/0f8fad5b-d9cb-469f-a165-70867728950e';
const now = 1_800_000_000;
const grant = { op: 'put' as const, exp: now + 60, size: 10, type: 'image/png' };
const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

describe('the local storage links', () => {
  it('verify with the key derived from the same JWT_SECRET: another instance, or after a restart', () => {
    const url = new LocalStorageLinks(linkSigningKey(undefined, JWT_SECRET)).url(key, grant);
    const again = new LocalStorageLinks(linkSigningKey(undefined, JWT_SECRET));
    expect(again.verify(key, 'put', queryOf(url), now)).toEqual({ ...grant, name: undefined });
  });

  it('derive a key that is not JWT_SECRET itself, and use STORAGE_SIGNING_SECRET when set', () => {
    expect(linkSigningKey(undefined, JWT_SECRET).equals(Buffer.from(JWT_SECRET))).toBe(false);
    const url = new LocalStorageLinks(linkSigningKey(undefined, JWT_SECRET)).url(key, grant);
    const otherJwt = new LocalStorageLinks(linkSigningKey(undefined, `${JWT_SECRET}-rotated`));
    const ownSecret = new LocalStorageLinks(linkSigningKey('s'.repeat(32), JWT_SECRET));
    expect(() => otherJwt.verify(key, 'put', queryOf(url), now)).toThrow('the signature does not match');
    expect(() => ownSecret.verify(key, 'put', queryOf(url), now)).toThrow('the signature does not match');
  });

  it('refuse a query that is not one of theirs without comparing anything', () => {
    const links = new LocalStorageLinks(linkSigningKey(undefined, JWT_SECRET));
    const query = queryOf(links.url(key, grant));
    for (const broken of [{}, { ...query, exp: '-1' }, { ...query, size: '1e3' }, { ...query, sig: ['a', 'b'] }]) {
      expect(() => links.verify(key, 'put', broken, now)).toThrow('it is not a storage link');
    }
    expect(() => links.verify(key, 'put', query, now + 60)).toThrow('it has expired');
  });
});
