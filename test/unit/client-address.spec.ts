import { parseTrustProxy, resolveClientAddress, trustedHops } from '#src/infra/http/client-address.js';
import { validateEnv } from '#src/infra/config/env.validate.js';

/** The address a request gets under TRUST_PROXY `setting`, from its peer and X-Forwarded-For. */
const resolve = (setting: string, peer: string, forwardedFor?: string | string[]) =>
  resolveClientAddress(peer, forwardedFor, trustedHops(parseTrustProxy(setting)!));

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['2', 2],
    ['32', 32],
    ['10.0.0.1', ['10.0.0.1']],
    [' 10.0.0.0/8 , 192.168.1.7,fd00::/8 ', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
    ['2001:DB8::/32', ['2001:db8::/32']],
  ])('reads %j', (text, expected) => {
    expect(parseTrustProxy(text)).toEqual(expected);
    expect(validateEnv({ TRUST_PROXY: text }).TRUST_PROXY).toEqual(expected);
  });

  it.each([
    'maybe',
    '-1',
    '33',
    '1.5',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.1,',
    '10.0.0.1,,10.0.0.2',
    '10.0.0.256',
    'proxy.internal',
    '10.0.0.0/8/1',
    '10.0.0.0/+8',
  ])('refuses %j at start, naming TRUST_PROXY', (text) => {
    expect(parseTrustProxy(text)).toBeUndefined();
    expect(() => validateEnv({ TRUST_PROXY: text })).toThrow(/^Invalid configuration: TRUST_PROXY must be true, false/);
  });
});

describe('the client address', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolve('false', '203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
    expect(resolve('false', '203.0.113.7')).toBe('203.0.113.7');
  });

  it('with one hop, is the right-most entry (what the proxy appended), never one the client put left of it', () => {
    expect(resolve('true', '10.0.0.2', '203.0.113.7')).toBe('203.0.113.7');
    expect(resolve('1', '10.0.0.2', '198.51.100.66, 203.0.113.7')).toBe('203.0.113.7');
    expect(resolve('1', '10.0.0.2', '1.1.1.1,2.2.2.2,   203.0.113.7')).toBe('203.0.113.7');
    // Repeated headers are joined in order, as Node does.
    expect(resolve('1', '10.0.0.2', ['198.51.100.66', '203.0.113.7'])).toBe('203.0.113.7');
  });

  it('with N hops (the peer and N - 1 entries from the right are proxies), is the N-th entry from the right', () => {
    const header = '198.51.100.66, 203.0.113.7, 10.0.0.5, 10.0.0.6';
    expect(resolve('2', '10.0.0.9', header)).toBe('10.0.0.5');
    expect(resolve('3', '10.0.0.9', header)).toBe('203.0.113.7');
    expect(resolve('4', '10.0.0.9', header)).toBe('198.51.100.66');
    // More hops than entries: the farthest address known.
    expect(resolve('8', '10.0.0.9', header)).toBe('198.51.100.66');
  });

  it('with a list, skips the entries that are listed proxies and takes the first that is not', () => {
    const header = '198.51.100.66, 203.0.113.7, 10.1.2.3, 192.168.0.4';
    expect(resolve('10.0.0.0/8, 192.168.0.4', '10.9.9.9', header)).toBe('203.0.113.7');
    expect(resolve('10.0.0.0/8', '10.9.9.9', header)).toBe('192.168.0.4');
    // A peer that is not a listed proxy is the client, whatever it sends.
    expect(resolve('10.0.0.0/8', '203.0.113.50', header)).toBe('203.0.113.50');
    // IPv6 ranges, and IPv4-mapped peers of a dual-stack socket.
    expect(resolve('fd00::/8', 'fd00::1', '2001:db8::7, fd00::2')).toBe('2001:db8::7');
    expect(resolve('127.0.0.0/8', '::ffff:127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    // Every entry a proxy: the left-most.
    expect(resolve('10.0.0.0/8', '10.9.9.9', '10.1.1.1, 10.2.2.2')).toBe('10.1.1.1');
  });

  it.each([
    'not-an-address',
    '203.0.113.7:4711',
    '[2001:db8::1]',
    '203.0.113.7, ',
    '203.0.113.7,,10.0.0.5',
    'unknown',
    '',
  ])('falls back to the peer on the malformed entry %j, never failing', (header) => {
    expect(resolve('2', '10.0.0.9', header)).toBe('10.0.0.9');
    expect(resolve('10.0.0.0/8', '10.0.0.9', header)).toBe('10.0.0.9');
  });

  it('does not look at malformed entries left of the client', () => {
    expect(resolve('1', '10.0.0.2', 'garbage, <script>, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('writes IPv4-mapped addresses as IPv4 and IPv6 in lower case', () => {
    expect(resolve('false', '::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(resolve('1', '10.0.0.2', '2001:DB8::AB')).toBe('2001:db8::ab');
    expect(resolve('1', '10.0.0.2', '::FFFF:198.51.100.3')).toBe('198.51.100.3');
  });
});
