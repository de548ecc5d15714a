import { constants, inflateRawSync } from 'node:zlib';
import { register, type SignedIn } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { openRawSocketIo, type RawSocketIo, type ServerFrame } from '../support/raw-socket.js';
import { collect, socketsClosedAfterEach } from '../support/socket-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What browsers and the `ws` client offer. */
const DEFLATE_OFFER = 'permessage-deflate; client_max_window_bits';
/** Chat text of about 3,000 characters: a message.created of it is well over the 1 KB threshold. */
const LONG_BODY = Array.from(
  { length: 60 },
  (_, i) => `line ${i}: the slides for the monday review are in the shared folder.`,
)
  .join(' ')
  .slice(0, 3000);
const SHORT_BODY = 'see you at lunch';

const extensionsHeader = (head: string) => /^sec-websocket-extensions: *(.*)$/im.exec(head)?.[1];
/**
 * A compressed frame, decoded on its own (the server keeps no context between frames), with the tail
 * each frame's flush leaves off (RFC 7692 §7.2.2).
 */
const inflate = (frame: ServerFrame) =>
  inflateRawSync(Buffer.concat([frame.payload, Buffer.from([0, 0, 0xff, 0xff])]), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).toString();

describe('WebSocket compression (SOCKET_PER_MESSAGE_DEFLATE)', () => {
  let compressing: TestApp;
  let plain: TestApp;
  const { connect } = socketsClosedAfterEach();
  const raw: RawSocketIo[] = [];
  afterEach(() => raw.splice(0).forEach((client) => client.close()));
  const openRaw = async (app: TestApp, who: SignedIn, extensions?: string) => {
    const client = await openRawSocketIo(app.baseUrl, who.accessToken, extensions);
    raw.push(client);
    return client;
  };

  beforeAll(async () => {
    [compressing, plain] = await Promise.all([startTestApp({ SOCKET_PER_MESSAGE_DEFLATE: true }), startTestApp()]);
  });
  afterAll(() => Promise.all([compressing.close(), plain.close()]));

  const directPair = async (app: TestApp) => {
    const [ann, bob] = [await register(app), await register(app)];
    const id = expectStatus<{ id: string }>(await chat(app, ann).openDirect(bob), 201).id;
    return { ann, bob, id };
  };

  it('is negotiated when on: frames of 1 KB or more arrive compressed and intact, smaller ones as they are', async () => {
    const { ann, bob, id } = await directPair(compressing);
    const wire = await openRaw(compressing, bob, DEFLATE_OFFER);
    expect(extensionsHeader(wire.responseHead)).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=11',
    );
    const client = collect(await connect(compressing, bob), 'message.created');

    expectStatus(await chat(compressing, ann).send(id, SHORT_BODY), 201);
    const short = await wire.frame((frame) => !frame.compressed && frame.payload.toString().includes(SHORT_BODY));
    expect(short.payload.length).toBeLessThan(1024);

    expectStatus(await chat(compressing, ann).send(id, LONG_BODY), 201);
    const long = await wire.frame((frame) => frame.compressed);
    const text = inflate(long);
    expect(text.startsWith('42["message.created"')).toBe(true);
    expect(JSON.parse(text.slice(2))[1].message.body).toBe(LONG_BODY);
    expect(long.payload.length).toBeLessThan(Buffer.byteLength(text) / 2);
    // Only the long message was compressed: the short one, the handshake packets and pings were not.
    expect(wire.frames.filter((frame) => frame.compressed)).toHaveLength(1);

    // socket.io-client (over `ws`, which offers the extension) gets both messages whole.
    const received = await client.until((items) => items.length === 2);
    expect(received.map((item) => item.message.body)).toEqual([SHORT_BODY, LONG_BODY]);
  });

  it('when on, a client that offers no compression still connects and gets every frame as it is', async () => {
    const { ann, bob, id } = await directPair(compressing);
    const wire = await openRaw(compressing, bob);
    expect(extensionsHeader(wire.responseHead)).toBeUndefined();
    expectStatus(await chat(compressing, ann).send(id, LONG_BODY), 201);
    const long = await wire.frame((frame) => frame.payload.toString().includes(LONG_BODY.slice(-40)));
    expect(long.compressed).toBe(false);
    expect(JSON.parse(long.payload.toString().slice(2))[1].message.body).toBe(LONG_BODY);
  });

  it('is not negotiated when off (the default), whatever the client offers', async () => {
    const { ann, bob, id } = await directPair(plain);
    const wire = await openRaw(plain, bob, DEFLATE_OFFER);
    expect(wire.responseHead).toMatch(/^HTTP\/1\.1 101/);
    expect(extensionsHeader(wire.responseHead)).toBeUndefined();
    const client = collect(await connect(plain, bob), 'message.created');

    expectStatus(await chat(plain, ann).send(id, LONG_BODY), 201);
    const long = await wire.frame((frame) => frame.payload.toString().includes(LONG_BODY.slice(-40)));
    expect(long.compressed).toBe(false);
    expect(wire.frames.some((frame) => frame.compressed)).toBe(false);
    const [created] = await client.until((items) => items.length === 1);
    expect(created.message.body).toBe(LONG_BODY);
  });
});
