/** `@username` tokens of a message body (usernames are 3–32 of [a-z0-9_], matched in any case). */
const MENTION = /(?:^|[^\w@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

/** Distinct lower-case usernames mentioned in `body`, at most `max` of them. */
export function mentionedUsernames(body: string, max = 50): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    names.add(match[1].toLowerCase());
    if (names.size >= max) break;
  }
  return [...names];
}
