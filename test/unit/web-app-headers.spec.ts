import { securityHeaders } from '#src/infra/http/security-headers.js';
import { webAppHeaders, webAppPolicy } from '#src/infra/http/web-app-headers.js';

const directives = (policy: string) =>
  Object.fromEntries(policy.split('; ').map((directive) => [directive.split(' ')[0], directive]));

describe('web app headers', () => {
  it("are the API's security headers with the page's policy and framing refused", () => {
    const headers = webAppHeaders(null)('chat.example.com');
    const { 'content-security-policy': apiPolicy, ...api } = securityHeaders();
    expect(headers).toEqual({
      ...api,
      'x-frame-options': 'DENY',
      'content-security-policy': webAppPolicy(null, 'chat.example.com'),
    });
    expect(headers['content-security-policy']).not.toBe(apiPolicy);
  });

  it('let the page run only its own scripts and styles, never framed, forms and base kept home', () => {
    expect(directives(webAppPolicy(null, 'chat.example.com'))).toEqual({
      'default-src': "default-src 'self'",
      'script-src': "script-src 'self'",
      'style-src': "style-src 'self'",
      'img-src': "img-src 'self' data: blob:",
      'connect-src': "connect-src 'self' ws://chat.example.com wss://chat.example.com",
      'frame-ancestors': "frame-ancestors 'none'",
      'base-uri': "base-uri 'none'",
      'form-action': "form-action 'self'",
    });
  });

  it("add the storage's origin to images and requests when uploads live elsewhere", () => {
    const policy = directives(webAppPolicy('https://chat.s3.eu-west-1.amazonaws.com', 'chat.example.com'));
    expect(policy['img-src']).toBe("img-src 'self' data: blob: https://chat.s3.eu-west-1.amazonaws.com");
    expect(policy['connect-src']).toBe(
      "connect-src 'self' ws://chat.example.com wss://chat.example.com https://chat.s3.eu-west-1.amazonaws.com",
    );
    expect(policy['script-src']).toBe("script-src 'self'");
  });

  it.each(['localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'Chat.Example.com'])(
    'name the socket host %s the page came from',
    (host) => {
      expect(webAppHeaders(null)(host)['content-security-policy']).toContain(
        `connect-src 'self' ws://${host.toLowerCase()} wss://${host.toLowerCase()};`,
      );
    },
  );

  it.each([undefined, '', "a.example; script-src 'unsafe-inline'", 'a.example b.example', 'a.example/path', '*'])(
    'name no host for the Host header %p',
    (host) => {
      expect(webAppHeaders(null)(host)['content-security-policy']).toBe(webAppPolicy(null));
      expect(webAppPolicy(null)).toContain("connect-src 'self';");
    },
  );
});
