import { censorRequest } from '#src/infra/logging/logger.options.js';

describe('the request in a log line', () => {
  it('has its credentials censored, its other headers kept in order, and the request untouched', () => {
    const headers = { host: 'api', authorization: 'Bearer secret', cookie: 'sid=1', accept: '*/*' };
    const logged = censorRequest({ headers });
    expect(JSON.stringify(logged.headers)).toBe(
      '{"host":"api","authorization":"[redacted]","cookie":"[redacted]","accept":"*/*"}',
    );
    expect(headers.authorization).toBe('Bearer secret');
  });

  it('is left as it is without credentials', () => {
    const req = { headers: { host: 'api' } };
    expect(censorRequest(req)).toBe(req);
    expect(censorRequest(req).headers).toBe(req.headers);
  });
});
