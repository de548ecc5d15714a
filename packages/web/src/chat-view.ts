import type { ChatClient, ConversationView, MessageView } from '@chat-backend/client';
import { byTestId, el, errorText } from './dom.js';

const TYPING_SHOWN_MS = 6000;
const TYPING_THROTTLE_MS = 2000;

/** The signed-in view: the conversation list, the open conversation, and the composer. */
export class ChatView {
  private readonly conversations = new Map<string, ConversationView>();
  private readonly online = new Map<string, boolean>();
  private readonly typers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Messages of conversations being fetched, applied once the view is in: it may have been read before them. */
  private readonly arriving = new Map<string, MessageView[]>();
  private messages: MessageView[] = [];
  private selectedId: string | null = null;
  private lastTypingSentAt = 0;
  private readonly list = el('ul', { class: 'conversations', 'aria-label': 'Conversations' });
  private readonly header = el('header', { class: 'conversation-header' });
  private readonly messageList = el('ul', { class: 'messages', 'data-testid': 'message-list' });
  private readonly typing = el('p', { class: 'typing', 'data-testid': 'typing-indicator', hidden: true });
  private readonly error = el('p', { class: 'error', role: 'alert', hidden: true });
  private readonly composer = el(
    'form',
    { class: 'composer', hidden: true },
    el('input', { 'data-testid': 'composer-input', name: 'body', placeholder: 'Message', autocomplete: 'off' }),
    el(
      'label',
      { class: 'attach', title: 'Send an image' },
      'Image',
      el('input', { 'data-testid': 'composer-attach', type: 'file', accept: 'image/*' }),
    ),
    el('button', { 'data-testid': 'composer-send', type: 'submit' }, 'Send'),
  );
  private readonly input = byTestId<HTMLInputElement>(this.composer, 'composer-input');
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly client: ChatClient,
  ) {}

  async show(): Promise<void> {
    const me = await this.client.me();
    const newForm = el(
      'form',
      { class: 'new-conversation', hidden: true },
      el('input', { 'data-testid': 'new-conversation-username', placeholder: 'Username', required: true }),
      el('button', { 'data-testid': 'new-conversation-submit', type: 'submit' }, 'Open'),
    );
    const newButton = el('button', { 'data-testid': 'new-conversation', type: 'button' }, 'New conversation');
    newButton.addEventListener('click', () => (newForm.hidden = !newForm.hidden));
    newForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const username = byTestId<HTMLInputElement>(newForm, 'new-conversation-username');
      this.client.openDirect(username.value).then((conversation) => {
        username.value = '';
        newForm.hidden = true;
        this.upsert(conversation);
        return this.select(conversation.id);
      }, this.fail);
    });
    const logout = el('button', { type: 'button', class: 'link', 'data-testid': 'logout' }, 'Sign out');
    logout.addEventListener('click', () => void this.client.logout().catch(() => undefined));

    this.root.replaceChildren(
      el(
        'div',
        { class: 'chat' },
        el(
          'aside',
          {},
          el('div', { class: 'me' }, el('strong', {}, me.displayName ?? me.username), logout),
          newButton,
          newForm,
          this.list,
        ),
        el('section', { class: 'conversation' }, this.header, this.messageList, this.typing, this.composer, this.error),
      ),
    );
    this.wireComposer();
    this.listen();
    await this.loadConversations();
    this.client.connect();
  }

  close(): void {
    this.unsubscribe.splice(0).forEach((stop) => stop());
  }

  private readonly fail = (reason: unknown) => {
    this.error.textContent = errorText(reason);
    this.error.hidden = false;
  };

  private listen(): void {
    const on = this.client.on.bind(this.client);
    this.unsubscribe.push(
      on('message.created', ({ conversationId, message }) => this.messageCreated(conversationId, message)),
      on('message.updated', ({ message }) => this.replaceMessage(message)),
      on('conversation.created', ({ conversation }) => this.fetchConversation(conversation.id)),
      on('presence', ({ userId, online }) => {
        this.online.set(userId, online);
        this.renderList();
        this.renderHeader();
      }),
      on('typing', ({ conversationId, userId, isTyping }) => this.typingChanged(conversationId, userId, isTyping)),
      // Back after a disconnect: counts may have moved while away (sync brought the messages themselves).
      on('synced', () => void this.loadConversations()),
    );
  }

  private async loadConversations(): Promise<void> {
    const { items } = await this.client.conversations();
    for (const conversation of items) this.keepNewer(conversation);
    if (this.selectedId) this.patch(this.selectedId, { unreadCount: 0 });
    this.renderList();
    await this.loadPresence(items);
  }

  private async loadPresence(conversations: ConversationView[]): Promise<void> {
    const ids = conversations.map((conversation) => this.other(conversation)?.userId).filter((id) => id !== undefined);
    for (const presence of await this.client.presence([...new Set(ids)]))
      this.online.set(presence.userId, presence.online);
    this.renderList();
    this.renderHeader();
  }

  private upsert(conversation: ConversationView): void {
    this.keepNewer(conversation);
    this.renderList();
  }

  /**
   * Fetches a conversation this view does not have yet, once however many events ask for it. The
   * messages that arrive meanwhile are counted after it, those the fetched view does not have yet.
   */
  private fetchConversation(id: string): void {
    if (this.arriving.has(id)) return;
    this.arriving.set(id, []);
    this.client
      .conversation(id)
      .then((view) => {
        const arrived = this.arriving.get(id) ?? [];
        this.arriving.delete(id);
        this.upsert(view);
        for (const message of arrived) this.messageCreated(id, message);
        return this.loadPresence([view]);
      })
      .catch((error: unknown) => {
        this.arriving.delete(id);
        this.fail(error);
      });
  }

  /**
   * A fetched view replaces the one shown unless it is older: a fetch that began before a message
   * arrived can resolve after the message was counted, and would take that message back out.
   */
  private keepNewer(conversation: ConversationView): void {
    const shown = this.conversations.get(conversation.id);
    if (!shown || conversation.lastSeq >= shown.lastSeq) this.conversations.set(conversation.id, conversation);
  }

  private patch(id: string, change: Partial<ConversationView>): void {
    const conversation = this.conversations.get(id);
    if (conversation) this.conversations.set(id, { ...conversation, ...change });
  }

  private other(conversation: ConversationView) {
    if (conversation.type !== 'direct') return undefined;
    return conversation.members.find((member) => member.userId !== this.client.userId);
  }

  private nameOf(conversation: ConversationView): string {
    const other = this.other(conversation);
    return other ? (other.displayName ?? other.username) : (conversation.title ?? 'Group');
  }

  private presenceDot(conversation: ConversationView): HTMLElement | null {
    const other = this.other(conversation);
    if (!other) return null;
    const online = this.online.get(other.userId) ?? false;
    return el('span', {
      class: 'presence-dot',
      'data-testid': 'presence-dot',
      'data-online': String(online),
      title: online ? 'online' : 'offline',
    });
  }

  private renderList(): void {
    const sorted = [...this.conversations.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
    this.list.replaceChildren(
      ...sorted.map((conversation) => {
        const item = el(
          'li',
          {
            'data-testid': 'conversation-item',
            'data-conversation-id': conversation.id,
            class: conversation.id === this.selectedId ? 'selected' : undefined,
            tabindex: '0',
          },
          this.presenceDot(conversation),
          el('span', { class: 'name' }, this.nameOf(conversation)),
          el(
            'span',
            { class: 'unread', 'data-testid': 'unread-count', hidden: conversation.unreadCount === 0 },
            String(conversation.unreadCount),
          ),
        );
        item.addEventListener('click', () => void this.select(conversation.id));
        item.addEventListener('keydown', (event) => event.key === 'Enter' && void this.select(conversation.id));
        return item;
      }),
    );
  }

  private renderHeader(): void {
    const conversation = this.selectedId ? this.conversations.get(this.selectedId) : undefined;
    if (!conversation) return this.header.replaceChildren();
    this.header.replaceChildren(this.presenceDot(conversation) ?? '', el('h2', {}, this.nameOf(conversation)));
  }

  private async select(id: string): Promise<void> {
    this.selectedId = id;
    this.messages = [];
    this.clearTyping();
    this.error.hidden = true;
    this.composer.hidden = false;
    this.renderHeader();
    this.renderList();
    const page = await this.client.messages(id);
    if (this.selectedId !== id) return;
    for (const message of page.items) this.insert(message);
    this.renderMessages();
    this.markRead();
    this.input.focus();
  }

  private messageCreated(conversationId: string, message: MessageView): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) {
      this.fetchConversation(conversationId);
      this.arriving.get(conversationId)?.push(message);
      return;
    }
    const mine = message.senderId === this.client.userId;
    const viewing = conversationId === this.selectedId;
    // A view fetched after the message was stored has it counted already.
    if (message.seq > conversation.lastSeq)
      this.patch(conversationId, {
        lastMessage: message,
        lastSeq: message.seq,
        lastActivityAt: message.createdAt,
        unreadCount: viewing || mine || message.threadRootId ? conversation.unreadCount : conversation.unreadCount + 1,
      });
    // Presence is shown to contacts only: the other's first message in a request may mean it was just accepted.
    if (!mine && this.other(conversation)?.userId === message.senderId && !this.online.get(message.senderId))
      this.loadPresence([conversation]).catch(() => undefined);
    if (viewing && !message.threadRootId) {
      this.insert(message);
      this.renderMessages();
      if (!mine) this.typingChanged(conversationId, message.senderId, false);
      this.markRead();
    }
    this.renderList();
  }

  private insert(message: MessageView): void {
    if (this.messages.some((shown) => shown.seq === message.seq)) return;
    this.messages.push(message);
    this.messages.sort((a, b) => a.seq - b.seq);
  }

  private replaceMessage(message: MessageView): void {
    if (message.conversationId !== this.selectedId) return;
    const index = this.messages.findIndex((shown) => shown.id === message.id);
    if (index < 0) return;
    this.messages[index] = message;
    this.renderMessages();
  }

  private markRead(): void {
    const id = this.selectedId;
    const last = this.messages.at(-1);
    if (!id || !last) return;
    this.patch(id, { unreadCount: 0 });
    this.renderList();
    this.client.markRead(id, last.seq).catch(() => undefined);
  }

  private renderMessages(): void {
    const me = this.client.userId;
    this.messageList.replaceChildren(
      ...this.messages.map((message) =>
        el(
          'li',
          {
            'data-testid': 'message-item',
            'data-seq': String(message.seq),
            class: message.senderId === me ? 'mine' : undefined,
          },
          el('p', { class: 'body' }, message.deletedAt ? 'Message deleted' : message.body),
          ...message.attachments.map((attachment) => this.attachment(attachment)),
        ),
      ),
    );
    this.messageList.lastElementChild?.scrollIntoView({ block: 'end' });
  }

  private attachment(attachment: MessageView['attachments'][number]): HTMLElement {
    const image = el('img', { 'data-testid': 'message-attachment', alt: attachment.name });
    if ('uploadId' in attachment) {
      this.client
        .uploadLinks(attachment.uploadId)
        .then((links) => (image.src = links.thumbnailUrl ?? links.url))
        .catch(() => undefined);
    } else image.src = attachment.url;
    return image;
  }

  private typingChanged(conversationId: string, userId: string, isTyping: boolean): void {
    if (conversationId !== this.selectedId || userId === this.client.userId) return;
    clearTimeout(this.typers.get(userId));
    if (isTyping)
      this.typers.set(
        userId,
        setTimeout(() => this.typingChanged(conversationId, userId, false), TYPING_SHOWN_MS),
      );
    else this.typers.delete(userId);
    const conversation = this.conversations.get(conversationId);
    const names = [...this.typers.keys()].map((id) => {
      const member = conversation?.members.find((candidate) => candidate.userId === id);
      return member ? (member.displayName ?? member.username) : 'Someone';
    });
    this.typing.textContent = names.length ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…` : '';
    this.typing.hidden = names.length === 0;
  }

  private clearTyping(): void {
    for (const timer of this.typers.values()) clearTimeout(timer);
    this.typers.clear();
    this.typing.hidden = true;
    this.typing.textContent = '';
  }

  private wireComposer(): void {
    this.input.addEventListener('input', () => {
      if (!this.selectedId || !this.input.value || Date.now() - this.lastTypingSentAt < TYPING_THROTTLE_MS) return;
      this.lastTypingSentAt = Date.now();
      this.client.typing(this.selectedId, true);
    });
    this.input.addEventListener('blur', () => this.stopTyping());
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = this.input.value.trim();
      const id = this.selectedId;
      if (!body || !id) return;
      this.input.value = '';
      this.stopTyping();
      void this.sendIn(id, (conversationId) => this.client.send(conversationId, body));
    });
    const file = byTestId<HTMLInputElement>(this.composer, 'composer-attach');
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      const id = this.selectedId;
      file.value = '';
      if (chosen && id)
        void this.sendIn(id, (conversationId) => this.client.sendImage(conversationId, chosen, chosen.name));
    });
  }

  /** Sends in `id`; answering a message request by writing in it accepts the request first. */
  private async sendIn(id: string, send: (conversationId: string) => Promise<MessageView>): Promise<void> {
    try {
      if (this.conversations.get(id)?.status === 'pending') {
        const accepted = await this.client.accept(id);
        this.upsert(accepted);
        // Now contacts, each can see the other's presence.
        this.loadPresence([accepted]).catch(() => undefined);
      }
      await send(id);
      this.error.hidden = true;
    } catch (error) {
      this.fail(error);
    }
  }

  private stopTyping(): void {
    if (!this.selectedId || this.lastTypingSentAt === 0) return;
    this.lastTypingSentAt = 0;
    this.client.typing(this.selectedId, false);
  }
}
