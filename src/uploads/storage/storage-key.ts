import { InvalidStorageKeyError } from './storage.errors.js';

/**
 * `<kind>/<uuid>`: a lowercase kind (`uploads`, `thumbnails`) and a lowercase UUID. Nothing else
 * names an object, so no key can climb out of the storage directory or the bucket's prefix, even
 * by a bug.
 */
export const STORAGE_KEY = /^[a-z]{1,32}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isStorageKey = (key: string): boolean => STORAGE_KEY.test(key);

/** The key itself; throws when it is not one (the drivers call this before touching anything). */
export function checkedStorageKey(key: string): string {
  if (!isStorageKey(key)) throw new InvalidStorageKeyError(`Not a storage key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}
