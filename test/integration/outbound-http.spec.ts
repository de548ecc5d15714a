import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundHttp } from '#src/infra/outbound/outbound-http.service.js';

const outbound = (allow: boolean) => new OutboundHttp({ OUTBOUND_ALLOW_PRIVATE_ADDRESSES: allow });

let server: Server;
let port: number;
const clients: OutboundHttp[] = [];
const client = (allow: boolean) => {
  const made = outbound(allow);
  clients.push(made);
  return made;
};

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/redirect') return response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    if (request.url === '/big') return response.end(Buffer.alloc(200_000, 'x'));
    if (request.url === '/slow') return void setTimeout(() => response.end('late'), 2000).unref();
    let received = '';
    request.on('data', (chunk: Buffer) => (received += chunk.toString()));
    request.on('end', () => response.writeHead(200, { 'x-echo': request.method }).end(`got ${received}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const made of clients) made.onModuleDestroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('outbound HTTP', () => {
  it('refuses a loopback literal and a name that resolves to loopback by default', async () => {
    const http = client(false);
    await expect(http.request({ url: `http://127.0.0.1:${port}/`, method: 'GET' })).rejects.toMatchObject({
      code: 'address_refused',
    });
    await expect(http.request({ url: `http://[::ffff:7f00:1]:${port}/`, method: 'GET' })).rejects.toMatchObject({
      code: 'address_refused',
    });
    await expect(http.request({ url: `http://localhost:${port}/`, method: 'GET' })).rejects.toMatchObject({
      code: 'address_refused',
    });
  });

  it('reaches them with OUTBOUND_ALLOW_PRIVATE_ADDRESSES', async () => {
    const http = client(true);
    const literal = await http.request({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: 'hello' });
    expect({ status: literal.status, body: literal.body.toString(), echo: literal.headers['x-echo'] }).toEqual({
      status: 200,
      body: 'got hello',
      echo: 'POST',
    });
    const named = await http.request({ url: `http://localhost:${port}/`, method: 'GET' });
    expect(named.status).toBe(200);
  });

  it('returns a redirect as it is, without following it', async () => {
    const response = await client(true).request({ url: `http://127.0.0.1:${port}/redirect`, method: 'GET' });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/');
  });

  it('aborts a response over the size cap', async () => {
    const http = client(true);
    await expect(http.request({ url: `http://127.0.0.1:${port}/big`, method: 'GET' })).rejects.toMatchObject({
      code: 'too_large',
    });
    const fits = await http.request({ url: `http://127.0.0.1:${port}/big`, method: 'GET', maxResponseBytes: 300_000 });
    expect(fits.body.length).toBe(200_000);
  });

  it('gives up at the deadline', async () => {
    const started = Date.now();
    await expect(
      client(true).request({ url: `http://127.0.0.1:${port}/slow`, method: 'GET', timeoutMs: 200 }),
    ).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses URLs it does not call and bodies over the cap', async () => {
    const http = client(true);
    await expect(http.request({ url: 'file:///etc/passwd', method: 'GET' })).rejects.toMatchObject({ code: 'bad_url' });
    await expect(http.request({ url: 'not a url', method: 'GET' })).rejects.toMatchObject({ code: 'bad_url' });
    await expect(
      http.request({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: Buffer.alloc(2 * 1024 * 1024) }),
    ).rejects.toMatchObject({ code: 'too_large' });
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client(true).request({ url: `http://127.0.0.1:${closedPort}/`, method: 'GET' })).rejects.toMatchObject(
      {
        code: 'network',
      },
    );
  });
});
