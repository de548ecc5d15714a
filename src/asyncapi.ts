import type { INestApplication, Type } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { CLIENT_EVENTS, type ClientEventName } from '#src/realtime/client-events.js';
import { ConnectRefusalResponse, HANDSHAKE_REFUSAL_CODES } from '#src/realtime/dto/socket-replies.response.js';
import { SERVER_EVENTS, type ServerEventName } from '#src/realtime/server-events.js';
import { CONNECTS_PER_MINUTE } from '#src/realtime/socket-handshake.js';
import { ErrorBodySchema } from './openapi.js';

/** Where the document is served, beside the OpenAPI one (`/docs`, `/docs-json`). */
export const ASYNCAPI_PATH = '/docs/asyncapi.json';

/** The event Socket.IO clients get when their handshake is refused. */
export const CONNECT_ERROR = 'connect_error';

type Json = Record<string, unknown>;
const ref = ($ref: string) => ({ $ref });
const schemaRef = (model: Type) => ref(getSchemaPath(model));

/** Channel, message and operation ids allow letters, digits, `_` and `-`: `message.send` is `messageSend`. */
const eventId = (event: string) => event.replace(/[._](\w)/g, (_, letter: string) => letter.toUpperCase());
const capitalized = (text: string) => text[0].toUpperCase() + text.slice(1);

/** Modules the throwaway OpenAPI document scans: none, it is only there for its schemas. */
class SchemasOnly {}

/**
 * The JSON Schemas of these classes and of every class they reference, by the OpenAPI document's own
 * conversion (the same decorators give both documents the same schemas), in its OpenAPI 3.1 form:
 * JSON Schema, with `null` as a type rather than 3.0's `nullable`.
 */
function schemasOf(app: INestApplication, models: Type[]): Json {
  const config = new DocumentBuilder().setOpenAPIVersion('3.1.0').build();
  const document = SwaggerModule.createDocument(app, config, { include: [SchemasOnly], extraModels: models });
  return { ...document.components?.schemas };
}

const ACK_FAILURE = 'AckFailure';

/** The ack of every client event (`AckReply`): the result, or the one error body. */
function ackSchema(result: Type | null): Json {
  return {
    oneOf: [
      {
        type: 'object',
        properties: { ok: { const: true }, data: result ? schemaRef(result) : { type: 'null' } },
        required: ['ok', 'data'],
      },
      ref(`#/components/schemas/${ACK_FAILURE}`),
    ],
  };
}

const HANDSHAKE =
  "Socket.IO 4 on the service's own port (wss behind TLS). Connect with `io(url, { auth: { token: accessToken }, " +
  "transports: ['websocket'] })` (the WebSocket transport needs no sticky sessions); a bot connects with " +
  '`auth: { apiKey }` instead, one of the two and never both. The token gets the same check as on REST ' +
  '(signature, expiry, revocation). A refused handshake gets `connect_error` with the code as its message: ' +
  'UNAUTHORIZED for a missing, invalid, expired or revoked credential, RATE_LIMITED when the user already has ' +
  `SOCKETS_MAX_PER_USER sockets or opened more than ${CONNECTS_PER_MINUTE} in a minute, SERVICE_UNAVAILABLE ` +
  'when tokens cannot be checked right now. An admitted socket lives as long as its access token: renew it ' +
  'with the `auth` event.';

const ABOUT =
  'The Socket.IO events of the chat service, as a client sees them: `send` operations are the events a client ' +
  'emits, each with an ack callback answered `{ ok: true, data }` or `{ ok: false, error }` (the REST error ' +
  "body; a 429 carries `retryAfterSeconds`), described as the operation's reply; `receive` operations are the " +
  "events the server emits to the user's sockets, on every instance. Events are not stored for replay: after " +
  'a reconnect a client calls `sync` with the last seq it has of each conversation.';

/** The AsyncAPI 3 document of `CLIENT_EVENTS` and `SERVER_EVENTS`, with the handshake's refusals. */
export function createAsyncApiDocument(app: INestApplication): Json {
  const clientEvents = Object.keys(CLIENT_EVENTS) as ClientEventName[];
  const serverEvents = Object.keys(SERVER_EVENTS) as ServerEventName[];
  const models: Type[] = [
    ...clientEvents.flatMap((event): Type[] => {
      const { dto, result } = CLIENT_EVENTS[event];
      return result ? [dto, result] : [dto];
    }),
    ...serverEvents.map((event) => SERVER_EVENTS[event].payload),
    ConnectRefusalResponse,
    ErrorBodySchema,
  ];
  const schemas = schemasOf(app, models);
  schemas[ACK_FAILURE] = {
    type: 'object',
    description: 'A refused client event: nothing was done',
    properties: { ok: { const: false }, error: schemaRef(ErrorBodySchema) },
    required: ['ok', 'error'],
  };

  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const message = (id: string, name: string, summary: string, payload: Json) => {
    messages[id] = { name, title: name, summary, contentType: 'application/json', payload };
    return ref(`#/components/messages/${id}`);
  };

  for (const event of clientEvents) {
    const { dto, result, summary }: { dto: Type; result: Type | null; summary: string } = CLIENT_EVENTS[event];
    const id = eventId(event);
    channels[id] = {
      address: event,
      messages: {
        [id]: message(id, event, summary, schemaRef(dto)),
        [`${id}Ack`]: message(`${id}Ack`, `${event} ack`, `The answer to ${event}`, ackSchema(result)),
      },
    };
    operations[`send${capitalized(id)}`] = {
      action: 'send',
      channel: ref(`#/channels/${id}`),
      summary,
      messages: [ref(`#/channels/${id}/messages/${id}`)],
      reply: { channel: ref(`#/channels/${id}`), messages: [ref(`#/channels/${id}/messages/${id}Ack`)] },
    };
  }

  for (const event of serverEvents) {
    const { payload, summary } = SERVER_EVENTS[event];
    const id = eventId(event);
    channels[id] = { address: event, messages: { [id]: message(id, event, summary, schemaRef(payload)) } };
    operations[`receive${capitalized(id)}`] = {
      action: 'receive',
      channel: ref(`#/channels/${id}`),
      summary,
      messages: [ref(`#/channels/${id}/messages/${id}`)],
    };
  }

  const refused = eventId(CONNECT_ERROR);
  const refusal = `The handshake was refused: ${HANDSHAKE_REFUSAL_CODES.join(', ')}`;
  channels[refused] = {
    address: CONNECT_ERROR,
    messages: { [refused]: message(refused, CONNECT_ERROR, refusal, schemaRef(ConnectRefusalResponse)) },
  };
  operations[`receive${capitalized(refused)}`] = {
    action: 'receive',
    channel: ref(`#/channels/${refused}`),
    summary: refusal,
    messages: [ref(`#/channels/${refused}/messages/${refused}`)],
  };

  return {
    asyncapi: '3.0.0',
    info: { title: 'Chat backend real time', version: '1', description: ABOUT },
    defaultContentType: 'application/json',
    servers: {
      socketIo: {
        host: '{host}',
        protocol: 'ws',
        pathname: '/socket.io',
        title: 'Socket.IO',
        description: HANDSHAKE,
        variables: { host: { default: 'localhost:3000', description: "The service's host and port, as for REST" } },
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

/** Serves the document as /docs-json is served, computed on the first request. */
export function serveAsyncApiDocument(app: INestApplication): void {
  let document: string | undefined;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get(ASYNCAPI_PATH, (_request, reply) => {
    document ??= JSON.stringify(createAsyncApiDocument(app));
    void reply.type('application/json').send(document);
  });
}
