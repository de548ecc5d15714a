import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** One masked WebSocket text frame, as a client sends it (RFC 6455). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length = payload.length;
  const header =
    length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 255]);
  return Buffer.concat([header, mask, payload.map((byte, i) => byte ^ mask[i % 4])]);
}

export type Cut = 'reset' | 'end';

/** Socket.IO's WebSocket upgrade request, offering `extensions` (Sec-WebSocket-Extensions) when given. */
function upgradeRequest(hostname: string, port: string, extensions?: string): string {
  return [
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(extensions ? [`Sec-WebSocket-Extensions: ${extensions}`] : []),
    '',
    '',
  ].join('\r\n');
}

/**
 * A client that vanishes while the server admits it: a raw WebSocket to Socket.IO that sends the
 * namespace CONNECT with `token`, then drops the TCP connection `cutAfterMs` later (0: right after
 * writing it) with no close frame, by a reset or a FIN. Resolves once the connection is gone.
 */
export function cutHandshake(baseUrl: string, token: string, cutAfterMs: number, cut: Cut = 'reset'): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let head = '';
    socket.once('connect', () => socket.write(upgradeRequest(hostname, port)));
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`no WebSocket upgrade: ${head.split('\r\n')[0]}`));
        return;
      }
      socket.write(textFrame(`40${JSON.stringify({ token })}`));
      setTimeout(() => (cut === 'reset' ? socket.resetAndDestroy() : socket.end()), cutAfterMs);
    };
    socket.on('data', onData);
    socket.once('error', () => undefined);
    socket.once('close', () => resolve());
  });
}

/** A frame the server sent: whether it is compressed (RSV1, RFC 7692) and its payload as sent. */
export interface ServerFrame {
  compressed: boolean;
  opcode: number;
  payload: Buffer;
}

export interface RawSocketIo {
  /** The server's answer to the upgrade: status line and headers, as they came. */
  responseHead: string;
  /** Every frame received so far, in order. */
  frames: ServerFrame[];
  /** Resolves with the first frame `predicate` accepts, waiting up to `timeoutMs`. */
  frame(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  close(): void;
}

/**
 * A Socket.IO client spoken by hand over a raw WebSocket, so a test sees the upgrade response and
 * each frame as it is on the wire: it offers `extensions` (a `Sec-WebSocket-Extensions` value, or
 * none), then connects to the main namespace with `token` once Engine.IO has opened.
 */
export function openRawSocketIo(baseUrl: string, token: string, extensions?: string): Promise<RawSocketIo> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const frames: ServerFrame[] = [];
    let buffered = Buffer.alloc(0);
    let responseHead: string | undefined;
    let connected = false;
    const client: RawSocketIo = {
      get responseHead() {
        return responseHead ?? '';
      },
      frames,
      async frame(predicate, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = frames.find(predicate);
          if (found) return found;
          if (Date.now() > deadline) throw new Error(`no such frame among ${frames.length} received`);
          await new Promise((done) => setTimeout(done, 20));
        }
      },
      close: () => socket.destroy(),
    };
    socket.once('connect', () => socket.write(upgradeRequest(hostname, port, extensions)));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (responseHead === undefined) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        responseHead = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        if (!responseHead.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`no WebSocket upgrade: ${responseHead.split('\r\n')[0]}`));
          return;
        }
      }
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        frames.push(frame.frame);
        const text = frame.frame.compressed ? '' : frame.frame.payload.toString();
        // Engine.IO's open packet, then Socket.IO's answer to the namespace CONNECT.
        if (text.startsWith('0{')) socket.write(textFrame(`40${JSON.stringify({ token })}`));
        else if (text.startsWith('40') && !connected) {
          connected = true;
          clearTimeout(timer);
          resolve(client);
        } else if (text.startsWith('44')) reject(new Error(`refused: ${text}`));
        // Engine.IO's ping: answered so the server keeps the connection.
        else if (text === '2') socket.write(textFrame('3'));
      }
    });
    socket.once('error', reject);
    const timer = setTimeout(() => {
      if (connected) return;
      socket.destroy();
      reject(new Error(`not connected within 5 s; frames: ${frames.length}`));
    }, 5000);
  });
}

/** One unmasked server frame at the start of `data`, or null when it has not all arrived. */
function readFrame(data: Buffer): { frame: ServerFrame; length: number } | null {
  if (data.length < 2) return null;
  let length = data[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  if (data.length < offset + length) return null;
  return {
    frame: {
      compressed: (data[0] & 0x40) !== 0,
      opcode: data[0] & 0x0f,
      payload: data.subarray(offset, offset + length),
    },
    length: offset + length,
  };
}
