import { ChatClient, LocalStorageTokenStore } from '@chat-backend/client';
import { showAuth } from './auth-view.js';
import { ChatView } from './chat-view.js';

const root = document.getElementById('app')!;
let view: ChatView | null = null;

// Tokens in localStorage: a reload stays signed in, and the tabs of the origin share one session.
const client = new ChatClient({
  baseUrl: window.location.origin,
  tokenStore: new LocalStorageTokenStore({
    storage: window.localStorage,
    addEventListener: (type, listener) => window.addEventListener(type, listener),
    removeEventListener: (type, listener) => window.removeEventListener(type, listener),
  }),
  onSignedOut: () => {
    view?.close();
    view = null;
    showAuth(root, client, showChat);
  },
});

function showChat(): void {
  view = new ChatView(root, client);
  // A refused session signs out by itself (onSignedOut); anything else leaves a note to reload.
  view.show().catch(() => {
    if (client.signedIn) root.textContent = 'The service could not be reached. Reload to try again.';
  });
}

if (client.signedIn) showChat();
else showAuth(root, client, showChat);
