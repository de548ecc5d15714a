import type { Page } from 'playwright-core';
import { eventually } from './eventually.js';

/** How long the page may take to show what a socket event or a request brings. */
export const UI_TIMEOUT_MS = 15_000;

export interface WebAccount {
  email: string;
  username: string;
  password: string;
}

export interface ShownMessage {
  seq: number;
  text: string;
}

/** The web app as a person uses it, by the `data-testid`s of its contract (API.md). */
export const webApp = (page: Page) => {
  const byTestId = (id: string) => page.getByTestId(id);
  const conversation = (id: string) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
  const messages = () => byTestId('message-list').getByTestId('message-item');

  return {
    page,
    byTestId,
    conversation,
    messages,

    async signUp(account: WebAccount): Promise<void> {
      await byTestId('register-link').click();
      await byTestId('register-email').fill(account.email);
      await byTestId('register-username').fill(account.username);
      await byTestId('register-password').fill(account.password);
      await byTestId('register-submit').click();
      await byTestId('new-conversation').waitFor({ timeout: UI_TIMEOUT_MS });
    },

    async signIn(login: string, password: string): Promise<void> {
      await byTestId('login-username').fill(login);
      await byTestId('login-password').fill(password);
      await byTestId('login-submit').click();
      await byTestId('new-conversation').waitFor({ timeout: UI_TIMEOUT_MS });
    },

    /** Opens (or creates) the direct conversation with `username`; answers its id. */
    async startConversation(username: string): Promise<string> {
      await byTestId('new-conversation').click();
      await byTestId('new-conversation-username').fill(username);
      await byTestId('new-conversation-submit').click();
      await byTestId('message-list').waitFor({ timeout: UI_TIMEOUT_MS });
      const item = byTestId('conversation-item').first();
      await item.waitFor({ timeout: UI_TIMEOUT_MS });
      return (await item.getAttribute('data-conversation-id')) ?? '';
    },

    async open(conversationId: string): Promise<void> {
      await conversation(conversationId).click();
      await byTestId('message-list').waitFor({ timeout: UI_TIMEOUT_MS });
    },

    /** Sends with Enter or with the send button. */
    async send(text: string, how: 'enter' | 'button' = 'enter'): Promise<void> {
      await byTestId('composer-input').fill(text);
      if (how === 'enter') await byTestId('composer-input').press('Enter');
      else await byTestId('composer-send').click();
    },

    /** The messages shown, in page order. */
    shownMessages(): Promise<ShownMessage[]> {
      return messages().evaluateAll((items) =>
        items.map((item) => ({ seq: Number(item.getAttribute('data-seq')), text: item.textContent ?? '' })),
      );
    },

    /** The messages shown once `done` accepts them (or the last ones read, to assert on). */
    messagesOnceShown(done: (shown: ShownMessage[]) => boolean): Promise<ShownMessage[]> {
      return eventually(() => this.shownMessages(), done, UI_TIMEOUT_MS);
    },

    /** The unread count of a conversation in the list: its text, and whether it is shown. */
    async unread(conversationId: string): Promise<{ text: string; hidden: boolean }> {
      const badge = conversation(conversationId).getByTestId('unread-count');
      return {
        text: ((await badge.textContent()) ?? '').trim(),
        hidden: (await badge.getAttribute('hidden')) !== null,
      };
    },

    /** The presence dot of a conversation in the list. */
    listPresence: (conversationId: string) => conversation(conversationId).getByTestId('presence-dot'),

    /** The presence dot of the open conversation's header (the one outside the list). */
    headerPresence: () =>
      page.locator('[data-testid="presence-dot"]:not([data-testid="conversation-item"] [data-testid="presence-dot"])'),

    /** Everything the page keeps in localStorage, joined: where its tokens must be. */
    storedText(): Promise<string> {
      return page.evaluate(() =>
        // Runs in the page: its global object, typed here without the DOM's declarations.
        Object.values((globalThis as unknown as { localStorage: Record<string, string> }).localStorage).join('\n'),
      );
    },
  };
};

export type WebApp = ReturnType<typeof webApp>;
