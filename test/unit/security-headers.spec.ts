import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { securityHeaders } from '#src/infra/http/security-headers.js';

describe('security headers', () => {
  it('are the ones helmet sets on an answer, read once', () => {
    const set: Record<string, string> = {};
    const response = {
      setHeader: (name: string, value: string) => (set[name.toLowerCase()] = value),
      removeHeader() {},
    };
    helmet()({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
    expect(securityHeaders()).toEqual(set);
    expect(securityHeaders()).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringMatching(/max-age=\d+/),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });
});
