/** `@word` tokens of a message body: usernames are 3–32 of [a-z0-9_], matched in any case. */
const MENTION = /(?:^|[^\w@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;
/** The mentions of everyone present. They are never read as a username, even where one is called so. */
const EVERYONE = new Set(['all', 'here']);
/** Usernames looked up per message, at most: a body of 4000 characters could name hundreds. */
export const MAX_MENTIONED_NAMES = 50;

/** What a body mentions, before the send resolves the names against the conversation's members. */
export interface MentionedNames {
  /** Distinct lower-case usernames, in the order they first appear. */
  names: string[];
  /** `@all` or `@here` appears. */
  all: boolean;
}

export function mentionsIn(body: string): MentionedNames {
  const names = new Set<string>();
  let all = false;
  for (const match of body.matchAll(MENTION)) {
    const name = match[1].toLowerCase();
    if (EVERYONE.has(name)) all = true;
    else if (names.size < MAX_MENTIONED_NAMES) names.add(name);
  }
  return { names: [...names], all };
}
