import { AppError } from '#src/common/errors/app-error.js';
import { AuthService } from '#src/auth/auth.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const registration = { email: 'ada@example.com', username: 'ada_l', password: 'correct horse battery' };

describe('an application with a provider replaced keeps the production HTTP and socket setup', () => {
  let t: TestApp;
  const auth = {
    register: (dto: { username: string }) => {
      if (dto.username === 'taken') throw new AppError(409, 'USERNAME_TAKEN', 'This username is taken');
      return Promise.resolve({ replaced: true });
    },
  };

  beforeAll(async () => {
    t = await startTestApp(
      { BODY_LIMIT_BYTES: 2048 },
      { overrideProviders: [{ provide: AuthService, useValue: auth }] },
    );
  });
  afterAll(() => t.close());

  it('routes to the replacement', async () => {
    const response = await t.request('POST', '/api/v1/auth/register', { body: registration });
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({ replaced: true });
  });

  it('validates bodies before the replacement sees them', async () => {
    const response = await t.request('POST', '/api/v1/auth/register', { body: { ...registration, email: 'nope' } });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("renders the replacement's errors as the one error body, with the request id and security headers", async () => {
    const response = await t.request('POST', '/api/v1/auth/register', { body: { ...registration, username: 'taken' } });
    expect(response.status).toBe(409);
    expect(response.json()).toMatchObject({ statusCode: 409, code: 'USERNAME_TAKEN' });
    expect(response.json().requestId).toBe(response.headers.get('x-request-id'));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses bodies over BODY_LIMIT_BYTES', async () => {
    const response = await t.request('POST', '/api/v1/auth/register', {
      body: { ...registration, displayName: 'x'.repeat(4096) },
    });
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('serves Socket.IO', async () => {
    const response = await t.request('GET', '/socket.io/?EIO=4&transport=polling');
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/^0\{"sid":/);
  });
});
