// The web app in a real headless Chromium, two people on two instance processes: sign-up through
// the forms, a conversation started by username, messages both ways, typing, unread counts, an image
// upload and presence, each arriving live from the other instance through Redis.
// WEB_APP_SCREENSHOT=<file.png> also saves a screenshot of the app with the conversation open.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { isWebAppBuilt, webAppDir } from '#src/infra/http/web-app.js';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';
import { newAccount, register, type Requester, type SignedIn } from '../support/auth-client.js';
import { describeInBrowser, launchChromium } from '../support/browser.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { eventually } from '../support/eventually.js';
import { httpRequest } from '../support/test-app.js';
import { UI_TIMEOUT_MS, webApp, type ShownMessage, type WebAccount, type WebApp } from '../support/web-app-page.js';

const SETUP_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 60_000;

/** What a page reported that a person would not see: script errors and refusals by the page policy. */
function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) {
      problems.push(`policy: ${message.text()}`);
    }
  });
}

const api = (instance: AppProcess): Requester => ({
  request: (method, path, options) => httpRequest(instance.baseUrl, method, path, options),
});

const bodies = (shown: ShownMessage[]) => shown.map((message) => message.text);
const inSeqOrder = (shown: ShownMessage[]) =>
  shown.every((message, i) => Number.isInteger(message.seq) && (i === 0 || message.seq > shown[i - 1].seq));
const showsAll = (expected: string[]) => (shown: ShownMessage[]) =>
  shown.length === expected.length && expected.every((text, i) => shown[i].text.includes(text));

describeInBrowser('the web app in Chromium, two people on two instances', () => {
  const started: AppProcess[] = [];
  const problems: string[] = [];
  let storageDir: string;
  let browser: Browser;
  let one: AppProcess;
  let two: AppProcess;
  let alice: WebApp;
  let bob: WebApp;
  const aliceAccount: WebAccount = newAccount('alice');
  const bobAccount: WebAccount = newAccount('bob');
  let conversationId: string;

  /** The presence dots of the conversation, in the list and in the header, once both read `online`. */
  const presenceShown = (person: WebApp, online: 'true' | 'false') =>
    eventually(
      async () => [
        await person.listPresence(conversationId).getAttribute('data-online'),
        await person.headerPresence().getAttribute('data-online'),
      ],
      (both) => both.every((dot) => dot === online),
      UI_TIMEOUT_MS,
    );

  /** Bob's user id, as someone else finds him: by his username. */
  const bobId = async (searcher: SignedIn) =>
    expectStatus<{ items: { id: string; username: string }[] }>(
      await api(one).request('GET', `/api/v1/users?search=${bobAccount.username}`, {
        headers: { authorization: `Bearer ${searcher.accessToken}` },
      }),
      200,
    ).items.find((user) => user.username === bobAccount.username)!.id;

  beforeAll(async () => {
    browser = await launchChromium();
    const dir = webAppDir(undefined);
    if (!isWebAppBuilt(dir)) throw new Error(`The web app is not built (no ${dir}/index.html): run npm run build`);
    storageDir = await mkdtemp(join(tmpdir(), 'web-app-uploads-'));
    // Both instances keep uploads in one folder, as they would on a shared volume.
    const env = instanceEnv({ STORAGE_DRIVER: 'local', STORAGE_DIR: storageDir });
    [one, two] = await Promise.all([spawnReadyApp(env, started), spawnReadyApp(env, started)]);
    const open = async (instance: AppProcess) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      watchProblems(page, problems);
      await page.goto(`${instance.baseUrl}/app`);
      return webApp(page);
    };
    [alice, bob] = await Promise.all([open(one), open(two)]);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    for (const instance of started) instance.kill();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  it(
    'both sign up through the forms and keep their tokens in localStorage',
    async () => {
      await Promise.all([alice.signUp(aliceAccount), bob.signUp(bobAccount)]);
      for (const person of [alice, bob]) {
        expect(await person.storedText()).toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
      }
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'alice starts a conversation with bob by username, and it appears in his list live',
    async () => {
      conversationId = await alice.startConversation(bobAccount.username);
      expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
      await bob.conversation(conversationId).waitFor();
      expect(await bob.byTestId('conversation-item').count()).toBe(1);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'they exchange messages both ways, each seeing the other’s in seq order',
    async () => {
      await alice.send('Hello Bob, from instance one');
      await bob.open(conversationId);
      const first = await bob.messagesOnceShown(showsAll(['Hello Bob']));
      expect(bodies(first)).toEqual([expect.stringContaining('Hello Bob, from instance one')]);

      await bob.send('Hi Alice, from instance two', 'button');
      await alice.messagesOnceShown(showsAll(['Hello Bob', 'Hi Alice']));
      await alice.send('Nice to see you');
      const expected = ['Hello Bob, from instance one', 'Hi Alice, from instance two', 'Nice to see you'];
      for (const person of [alice, bob]) {
        const shown = await person.messagesOnceShown(showsAll(expected));
        expect(bodies(shown)).toEqual(expected.map((text) => expect.stringContaining(text)));
        expect(shown.map((message) => message.seq)).toEqual([1, 2, 3]);
        expect(inSeqOrder(shown)).toBe(true);
      }
      await expect(bob.byTestId('composer-input').inputValue()).resolves.toBe('');
      // Bob's answer accepted alice's request: now contacts, each sees the other online, no reload.
      expect(await presenceShown(alice, 'true')).toEqual(['true', 'true']);
      expect(await presenceShown(bob, 'true')).toEqual(['true', 'true']);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'bob sees "alice is typing…" while she types, and not once she has sent',
    async () => {
      const indicator = bob.byTestId('typing-indicator');
      expect(await indicator.isVisible()).toBe(false);
      // At a person's pace, for a few seconds: typing is signalled again every 2 s while it goes on.
      await Promise.all([
        indicator.waitFor({ state: 'visible' }),
        alice.byTestId('composer-input').pressSequentially('I am typing a longer line', { delay: 120 }),
      ]);
      expect(await indicator.textContent()).toMatch(new RegExp(`${aliceAccount.username} is typing`));

      await alice.byTestId('composer-input').press('Enter');
      await bob.messagesOnceShown((shown) => shown.length === 4);
      await indicator.waitFor({ state: 'hidden' });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'bob gets unread counts on a conversation he has not open, reset once he opens it',
    async () => {
      // A third person, through the API, on the other instance than bob's, in a group with him.
      const carol: SignedIn = await register(api(one), newAccount('carol'));
      const carolChat = chat(api(one), carol);
      const group = expectStatus<{ id: string }>(
        await carolChat.call('POST', '', { type: 'group', title: 'Weekend', memberIds: [await bobId(carol)] }),
        201,
      );
      await bob.conversation(group.id).waitFor();
      expect(await bob.unread(group.id)).toEqual({ text: '0', hidden: true });

      expectStatus(await carolChat.send(group.id, 'Hey Bob, Carol here'), 201);
      expectStatus(await carolChat.send(group.id, 'Are you there?'), 201);
      const counted = await eventually(
        () => bob.unread(group.id),
        (unread) => unread.text === '2',
        UI_TIMEOUT_MS,
      );
      expect(counted).toEqual({ text: '2', hidden: false });
      // The open conversation counts nothing: bob is reading it.
      expect(await bob.unread(conversationId)).toEqual({ text: '0', hidden: true });
      // Bob's count on the server, as another of his devices would read it.
      const bobElsewhere = expectStatus<SignedIn>(
        await api(two).request('POST', '/api/v1/auth/login', {
          body: { login: bobAccount.username, password: bobAccount.password },
        }),
        200,
      );
      const unreadOnServer = async () =>
        expectStatus<{ items: { conversationId: string; unreadCount: number }[] }>(
          await chat(api(two), bobElsewhere).unread(),
          200,
        ).items.find((item) => item.conversationId === group.id)?.unreadCount ?? 0;
      expect(await unreadOnServer()).toBe(2);

      await bob.open(group.id);
      await bob.messagesOnceShown(showsAll(['Hey Bob, Carol here', 'Are you there?']));
      const reset = await eventually(
        () => bob.unread(group.id),
        (unread) => unread.hidden,
        UI_TIMEOUT_MS,
      );
      expect(reset).toEqual({ text: '0', hidden: true });
      // Opening it moved his read mark: nothing is unread there on the server either.
      expect(await eventually(unreadOnServer, (count) => count === 0, UI_TIMEOUT_MS)).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a message request from a stranger shows bob every message it brought, and none once he reads it',
    async () => {
      const dave: SignedIn = await register(api(one), newAccount('dave'));
      const daveChat = chat(api(one), dave);
      const texts = ['Hi, we met at the meetup', 'Could we talk?', 'Here is my number'];
      // Bob's page learns of the request from an event and fetches the conversation. Its answers are
      // read at once but held here, so the order is forced: the first fetch, read before any message
      // was stored, comes back only after the first message's event, and any later fetch only at the end.
      const held: (() => Promise<void>)[] = [];
      const conversationUrl = /\/api\/v1\/conversations\/[0-9a-f-]{36}$/;
      await bob.page.route(conversationUrl, async (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        const response = await route.fetch();
        held.push(() => route.fulfill({ response }));
      });
      const request = expectStatus<{ id: string }>(
        await daveChat.call('POST', '', { type: 'direct', userId: await bobId(dave) }),
        201,
      );
      await eventually(
        () => Promise.resolve(held.length),
        (count) => count > 0,
        UI_TIMEOUT_MS,
      );
      expectStatus(await daveChat.send(request.id, texts[0]), 201);
      // The event reaches the page within milliseconds; this is time for it to, not an assertion.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await held.shift()!();
      for (const text of texts.slice(1)) expectStatus(await daveChat.send(request.id, text), 201);
      const counted = await eventually(
        () => bob.unread(request.id),
        (unread) => unread.text === '3',
        UI_TIMEOUT_MS,
      );
      expect(counted).toEqual({ text: '3', hidden: false });
      // Fetches the page made meanwhile, now answered, are older than what it shows: they change nothing.
      for (const release of held.splice(0)) await release();
      await bob.page.unroute(conversationUrl);
      expect(await bob.unread(request.id)).toEqual({ text: '3', hidden: false });
      await bob.open(request.id);
      await bob.messagesOnceShown(showsAll(['Hi, we met', 'Could we talk?', 'Here is my number']));
      expect(
        await eventually(
          () => bob.unread(request.id),
          (unread) => unread.hidden,
          UI_TIMEOUT_MS,
        ),
      ).toEqual({
        text: '0',
        hidden: true,
      });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'alice uploads an image, and bob sees it load',
    async () => {
      await bob.open(conversationId);
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 30, g: 120, b: 200 } } })
        .png()
        .toBuffer();
      await alice.byTestId('composer-attach').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: png });

      const attachment = bob.messages().last().getByTestId('message-attachment');
      await attachment.waitFor();
      const loaded = await eventually(
        () =>
          attachment.evaluate((image: { complete: boolean; naturalWidth: number }) => ({
            complete: image.complete,
            width: image.naturalWidth,
          })),
        (state) => state.complete && state.width > 0,
        UI_TIMEOUT_MS,
      );
      expect(loaded.width).toBeGreaterThan(0);
      const seqs = (await bob.shownMessages()).map((message) => message.seq);
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'each sees the other online, in the list and in the header, and alice sees bob leave live',
    async () => {
      // Bob comes back (a reload: still signed in from localStorage) and finds alice online; she
      // sees him come online from the presence events his new socket causes.
      await bob.page.reload();
      await bob.byTestId('new-conversation').waitFor();
      await bob.open(conversationId);
      await alice.open(conversationId);
      expect(await presenceShown(bob, 'true')).toEqual(['true', 'true']);
      expect(await presenceShown(alice, 'true')).toEqual(['true', 'true']);

      const screenshot = process.env.WEB_APP_SCREENSHOT;
      if (screenshot) await alice.page.screenshot({ path: screenshot });

      await bob.page.close();
      expect(await presenceShown(alice, 'false')).toEqual(['false', 'false']);
    },
    STEP_TIMEOUT_MS,
  );
});
