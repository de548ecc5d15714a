import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { Public } from '#src/common/decorators/public.decorator.js';
import { AppError } from '#src/common/errors/app-error.js';
import { CLIENT_EVENTS } from '#src/realtime/client-events.js';
import { SERVER_EVENTS } from '#src/realtime/server-events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

class DeviceDto {
  @IsString()
  @Length(1, 10)
  name!: string;
}

class ProbeCreateDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  @Max(5)
  count!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => DeviceDto)
  device?: DeviceDto;
}

/** Routes that exist only in this test, to drive the global pipe and filter. */
@Public()
@Controller('test-probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeCreateDto) {
    return body;
  }

  @Get('domain-error')
  domainError() {
    throw new AppError(404, 'CONVERSATION_NOT_FOUND', 'Conversation not found');
  }

  @Get('crash')
  crash() {
    throw new TypeError('internal detail: /srv/secret/path');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('one error body for every error', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: 2048 }, { extraModules: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers an unknown route with a JSON 404, echoing the client request id', async () => {
    const response = await t.request('GET', '/api/v1/nothing-here', { headers: { 'x-request-id': 'client-id-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toBe('client-id-123');
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /api/v1/nothing-here',
      requestId: 'client-id-123',
    });
  });

  it('generates a request id when the client sends none or an unusable one', async () => {
    const sent: Record<string, string>[] = [
      {},
      { 'x-request-id': 'bad id with spaces' },
      { 'x-request-id': 'x'.repeat(200) },
    ];
    for (const headers of sent) {
      const response = await t.request('GET', '/nope', { headers });
      const requestId = response.json().requestId;
      expect(requestId).toMatch(UUID);
      expect(response.headers.get('x-request-id')).toBe(requestId);
    }
  });

  it('sends X-Request-Id on successful responses too', async () => {
    const response = await t.request('GET', '/health/liveness', { headers: { 'x-request-id': 'ok-1' } });
    expect(response.headers.get('x-request-id')).toBe('ok-1');
  });

  it('lists every bad field of a body as VALIDATION_FAILED', async () => {
    const response = await t.request('POST', '/test-probe', {
      body: { email: 'not-an-email', count: 9, device: { name: '' } },
    });
    expect(response.status).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Validation failed' });
    const fields = body.details.map((detail: { field: string }) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'count', 'device.name']));
    expect(body.requestId).toMatch(UUID);
  });

  it('refuses fields the route does not know instead of dropping them silently', async () => {
    const response = await t.request('POST', '/test-probe', { body: { email: 'a@b.co', count: 1, isAdmin: true } });
    expect(response.status).toBe(400);
    expect(response.json().details).toEqual([{ field: 'isAdmin', message: 'property isAdmin should not exist' }]);
  });

  it('accepts a valid body', async () => {
    const response = await t.request('POST', '/test-probe', { body: { email: 'a@b.co', count: 2 } });
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({ email: 'a@b.co', count: 2 });
  });

  it.each([
    ['malformed JSON', '{"email": ', 'application/json', 400, 'MALFORMED_JSON'],
    ['an empty JSON body', '', 'application/json', 400, 'MALFORMED_JSON'],
    ['an unsupported media type', '<email>a</email>', 'application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a body over the limit',
      JSON.stringify({ email: 'a'.repeat(4000) }),
      'application/json',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a JSON array instead of an object', '[1,2,3]', 'application/json', 400, 'VALIDATION_FAILED'],
    ['a JSON null', 'null', 'application/json', 400, 'VALIDATION_FAILED'],
    [
      'JSON nested 100 levels deep',
      `{"a":${'['.repeat(100)}${']'.repeat(100)}}`,
      'application/json',
      400,
      'VALIDATION_FAILED',
    ],
    ['a prototype-poisoning body', '{"__proto__":{"isAdmin":true}}', 'application/json', 400, 'MALFORMED_JSON'],
  ])('answers %s with a 4xx in the error shape', async (_name, raw, contentType, status, code) => {
    const response = await t.request('POST', '/test-probe', { body: raw, headers: { 'content-type': contentType } });
    expect(response.status).toBe(status);
    const body = response.json();
    expect(body.statusCode).toBe(status);
    expect(body.code).toBe(code);
    expect(typeof body.message).toBe('string');
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('renders a domain error with its own code', async () => {
    const response = await t.request('GET', '/test-probe/domain-error');
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ code: 'CONVERSATION_NOT_FOUND', message: 'Conversation not found' });
  });

  it('hides the details of an unexpected error behind a generic 500', async () => {
    const response = await t.request('GET', '/test-probe/crash');
    expect(response.status).toBe(500);
    expect(response.json()).toMatchObject({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    expect(response.text).not.toContain('secret');
  });

  it('answers a wrong method on a known path in the error shape', async () => {
    const response = await t.request('DELETE', '/health/liveness');
    expect(response.status).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const response = await t.request('GET', '/docs-json');
    expect(response.status).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health/liveness', '/health/readiness', '/health', '/health/metrics']),
    );
    expect((await t.request('GET', '/docs')).status).toBe(200);
  });

  it('serves the AsyncAPI document of the socket events beside it', async () => {
    const response = await t.request('GET', '/docs/asyncapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = response.json<{
      asyncapi: string;
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string }>;
    }>();
    expect(document.asyncapi).toBe('3.0.0');
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses).toEqual(expect.arrayContaining([...Object.keys(CLIENT_EVENTS), ...Object.keys(SERVER_EVENTS)]));
    expect((await t.request('GET', '/docs/asyncapi.json')).text).toBe(response.text);
  });
});
