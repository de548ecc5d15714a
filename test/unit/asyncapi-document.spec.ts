import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { getSchemaPath } from '@nestjs/swagger';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { getMetadataStorage } from 'class-validator';
import ts from 'typescript';
import { CONNECT_ERROR, createAsyncApiDocument } from '#src/asyncapi.js';
import { ClientEventsGateway } from '#src/realtime/client-events.gateway.js';
import { CLIENT_EVENTS, type ClientEventName } from '#src/realtime/client-events.js';
import { SERVER_EVENTS, type ServerEventName } from '#src/realtime/server-events.js';

type Json = Record<string, unknown>;
interface Operation {
  action: string;
  channel: { $ref: string };
  messages: { $ref: string }[];
  reply?: { channel: { $ref: string }; messages: { $ref: string }[] };
}
interface Channel {
  address: string;
  messages: Record<string, unknown>;
}
interface Document {
  asyncapi: string;
  info: { title: string; version: string };
  servers: Record<string, { host: string; protocol: string; pathname: string }>;
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: { schemas: Record<string, Json>; messages: Record<string, Json> };
}

const root = fileURLToPath(new URL('../../', import.meta.url));

@Module({})
class NoRoutes {}

let document: Document;

beforeAll(async () => {
  const app = await NestFactory.create(NoRoutes, new FastifyAdapter(), { logger: false });
  try {
    document = createAsyncApiDocument(app) as unknown as Document;
  } finally {
    await app.close();
  }
});

/** What a local `$ref` points at, or undefined when nothing is there. */
function resolve(pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  return pointer
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
}

/** Follows `$ref`s until a node that is not one. */
function deref<T = Json>(node: unknown): T {
  let current = node as Json;
  while (typeof current?.$ref === 'string') current = resolve(current.$ref) as Json;
  return current as T;
}

function refsOf(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [{ at, ref: value }] : refsOf(value, `${at}/${key}`),
  );
}

/** The operation of `event` and the message it names, with that message's payload schema. */
function operationOf(event: string, action: 'send' | 'receive') {
  const found = Object.values(document.operations).filter(
    (operation) => operation.action === action && deref<Channel>(operation.channel)?.address === event,
  );
  expect(found).toHaveLength(1);
  const [operation] = found;
  const [message] = operation.messages.map((item) => deref(item));
  return { operation, message, payload: deref(message?.payload) };
}

/** The fields class-validator checks on a DTO: what a client may send. */
const validatedFields = (dto: Type) =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    ),
  ].sort();

describe('the AsyncAPI document', () => {
  it('is AsyncAPI 3 with the Socket.IO server and its handshake', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    const [server] = Object.values(document.servers);
    expect(server).toMatchObject({ protocol: 'ws', pathname: '/socket.io' });
    expect(JSON.stringify(server)).toContain('auth: { token: accessToken }');
    const refusal = operationOf(CONNECT_ERROR, 'receive').payload as { properties: { message: { enum: string[] } } };
    expect(refusal.properties.message.enum).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'RATE_LIMITED']));
  });

  it.each(Object.keys(CLIENT_EVENTS) as ClientEventName[])(
    'has %s as a send operation with its DTO as payload and the AckReply as reply',
    (event) => {
      const { operation, message, payload } = operationOf(event, 'send');
      expect(message.summary).toBe(CLIENT_EVENTS[event].summary);
      expect(Object.keys(payload.properties as Json).sort()).toEqual(validatedFields(CLIENT_EVENTS[event].dto));

      expect(operation.reply?.messages).toHaveLength(1);
      type Branch = { properties: { ok: Json; data?: Json; error?: Json }; required: string[] };
      const ack = deref<{ oneOf: Json[] }>(deref(operation.reply!.messages[0]).payload);
      const [success, failure] = ack.oneOf.map((branch) => deref<Branch>(branch));
      expect(success.properties.ok).toEqual({ const: true });
      expect(success.required).toEqual(['ok', 'data']);
      const { result } = CLIENT_EVENTS[event];
      if (result === null) expect(success.properties.data).toEqual({ type: 'null' });
      else expect(deref(success.properties.data)).toBe(resolve(getSchemaPath(result)));
      expect(failure.properties.ok).toEqual({ const: false });
      expect(deref(failure.properties.error)).toBe(document.components.schemas.ErrorBody);
    },
  );

  it.each(Object.keys(SERVER_EVENTS) as ServerEventName[])(
    'has %s as a receive operation with its payload schema',
    (event) => {
      const { message, payload } = operationOf(event, 'receive');
      expect(message.summary).toBe(SERVER_EVENTS[event].summary);
      expect(payload.type).toBe('object');
      expect(Object.keys(payload.properties as Json).length).toBeGreaterThan(0);
    },
  );

  it('resolves every $ref, gives every channel a message and every operation its channel’s messages', () => {
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter(({ ref }) => resolve(ref) === undefined)).toEqual([]);
    for (const [id, channel] of Object.entries(document.channels)) {
      expect([id, typeof channel.address]).toEqual([id, 'string']);
      expect([id, Object.keys(channel.messages).length > 0]).toEqual([id, true]);
    }
    for (const [id, operation] of Object.entries(document.operations)) {
      expect([id, ['send', 'receive'].includes(operation.action)]).toEqual([id, true]);
      expect(operation.messages.every(({ $ref }) => $ref.startsWith(`${operation.channel.$ref}/messages/`))).toBe(true);
    }
  });

  it('passes the AsyncAPI parser without an error or a warning', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const serious = new Set<number>([DiagnosticSeverity.Error, DiagnosticSeverity.Warning]);
    const problems = diagnostics
      .filter(({ severity }) => serious.has(severity))
      .map(({ code, message, path }) => `${path.join('.')}: ${code} ${message}`);
    expect(problems).toEqual([]);
    expect(parsed?.operations().length).toBe(Object.keys(document.operations).length);
  });
});

/** The `.ts` files under `dir`, the generated Prisma client aside. */
function sources(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The socket events src/ handles (`@SubscribeMessage('…')`) and emits (`.emit('…')`, and the
 * broadcaster's `toUsers(userIds, '…')`), by their literal names.
 */
function eventsInSource() {
  const handled = new Set<string>();
  const emitted = new Set<string>();
  for (const file of sources('src')) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText();
        const literal = (index: number) => {
          let arg: ts.Expression | undefined = node.arguments[index];
          // `'name' as Event` and `('name')` name the event all the same.
          while (
            arg &&
            (ts.isAsExpression(arg) || ts.isSatisfiesExpression(arg) || ts.isParenthesizedExpression(arg))
          ) {
            arg = arg.expression;
          }
          return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
        };
        const event =
          name === 'SubscribeMessage' || name === 'emit' ? literal(0) : name === 'toUsers' ? literal(1) : undefined;
        if (event !== undefined) (name === 'SubscribeMessage' ? handled : emitted).add(event);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { handled, emitted };
}

describe('the AsyncAPI document against the code', () => {
  const { handled, emitted } = eventsInSource();
  const documented = (action: string) =>
    new Set(
      Object.values(document.operations)
        .filter((operation) => operation.action === action)
        .map((operation) => deref<Channel>(operation.channel).address),
    );

  it('has a send operation for every event a gateway handles', () => {
    const gatewayHandles = Object.getOwnPropertyNames(ClientEventsGateway.prototype)
      .map((key) => Reflect.getMetadata(MESSAGE_METADATA, ClientEventsGateway.prototype[key as never]) as unknown)
      .filter((event): event is string => typeof event === 'string');
    expect(new Set(gatewayHandles)).toEqual(handled);
    expect(handled.size).toBe(Object.keys(CLIENT_EVENTS).length);
    const sent = documented('send');
    expect([...handled].filter((event) => !sent.has(event))).toEqual([]);
  });

  it('has a receive operation for every event src/ emits to clients', () => {
    // Some emits of every kind: the broadcaster's, the session closer's and the token clock's.
    expect(emitted.size).toBeGreaterThanOrEqual(Object.keys(SERVER_EVENTS).length);
    expect([...emitted]).toEqual(expect.arrayContaining(['message.created', 'session.revoked', 'token.expired']));
    const received = documented('receive');
    expect([...emitted].filter((event) => !received.has(event))).toEqual([]);
  });
});
