/** No API body or event payload nests anywhere near this deep; deeper input would overflow the DTO transformation. */
const MAX_PAYLOAD_DEPTH = 32;

/** Keys that only ever appear in a payload to tamper with prototypes; no API field has these names. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** PostgreSQL text cannot hold U+0000: a string carrying it would fail at the database instead of validation. */
const hasNul = (text: string) => text.includes('\u0000');

/**
 * What makes a parsed JSON value unacceptable as a request body or socket payload, if anything:
 * too deep, a NUL character in a key or string, or a prototype-tampering key. Walked without
 * recursion (the input may be hostile).
 */
export function payloadProblem(root: unknown, maxDepth = MAX_PAYLOAD_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string' && hasNul(value)) return 'a NUL (U+0000) character is not accepted';
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return `nests deeper than ${maxDepth} levels`;
    for (const [key, child] of Object.entries(value)) {
      if (hasNul(key)) return 'a NUL (U+0000) character is not accepted';
      if (FORBIDDEN_KEYS.has(key)) return `the key ${key} is not accepted`;
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
