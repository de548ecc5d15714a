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
    socket.once('connect', () =>
      socket.write(
        [
          'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
          `Host: ${hostname}:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      ),
    );
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
