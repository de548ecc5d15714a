import { createHash } from 'node:crypto';

/**
 * The seeded data set, as pure functions of the flags: the seed writes it and the scenarios find
 * their users and conversations in it without asking the database.
 */

/** A stable UUID (version 4 layout) for the n-th seeded thing of a kind; the seed computes the same in SQL. */
export function benchId(kind, n) {
  const hex = createHash('md5').update(`bench-${kind}-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The SQL expression that gives `benchId(kind, n)` for an integer expression `n`. */
export const benchIdSql = (kind, n) =>
  `overlay(overlay(md5('bench-${kind}-' || (${n})::text) placing '4' from 13) placing '8' from 17)::uuid`;

/** A small seeded generator (mulberry32), so "random" memberships and bodies are the same on every run. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickDistinct(count, size, next) {
  const chosen = new Set();
  while (chosen.size < size) chosen.add(Math.floor(next() * count));
  return [...chosen];
}

/**
 * Conversations: one in five is a group. The first groups hold consecutive users (0–49, 50–99, …), so
 * the messaging scenario can give every group sender a full group; the others draw their members at
 * random. Direct conversations pair 0–1, 2–3, … first, then users a and a+d for d = 2, 3, …
 */
export function buildLayout({ users, conversations, messages, groupSize }) {
  const groupCount = Math.floor(conversations / 5);
  const directCount = conversations - groupCount;
  const blockGroups = Math.min(groupCount, Math.floor(users / groupSize));
  const next = random(20261122);
  const list = [];
  for (let g = 0; g < groupCount; g += 1) {
    const members =
      g < blockGroups
        ? Array.from({ length: groupSize }, (_, j) => g * groupSize + j)
        : pickDistinct(users, groupSize, next);
    list.push({ type: 'group', members });
  }
  const pairs = [];
  for (let m = 0; m < Math.floor(users / 2) && pairs.length < directCount; m += 1) pairs.push([2 * m, 2 * m + 1]);
  for (let d = 2; pairs.length < directCount; d += 1) {
    if (d >= users / 2) throw new Error(`--conversations is too large for ${users} users`);
    for (let a = 0; a < users && pairs.length < directCount; a += 1) pairs.push([a, (a + d) % users]);
  }
  for (const members of pairs) list.push({ type: 'direct', members });
  const base = Math.floor(messages / conversations);
  list.forEach((conversation, index) => {
    conversation.index = index;
    conversation.id = benchId('conversation', index);
    conversation.messages = base + (index < messages % conversations ? 1 : 0);
  });
  return { conversations: list, groupCount, blockGroups };
}

/**
 * Where user i sends in the messaging scenario: every fifth user into their block group (a
 * conversation of `groupSize`), the others into their direct pair (a conversation of 2). Null when the
 * flags leave a user without either (that user only receives).
 */
export function homeConversation(layout, user, groupSize) {
  const group = Math.floor(user / groupSize);
  if (user % 5 === 0 && group < layout.blockGroups) return layout.conversations[group];
  const pair = layout.conversations[layout.groupCount + Math.floor(user / 2)];
  if (pair?.members.includes(user)) return pair;
  return group < layout.blockGroups ? layout.conversations[group] : null;
}
