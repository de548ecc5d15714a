import { assertAllowedHost, isRefusedAddress } from '#src/infra/outbound/outbound-address.guard.js';

describe('the outbound address guard', () => {
  it.each([
    ['loopback', ['127.0.0.1', '127.255.255.254', '::1']],
    ['unspecified', ['0.0.0.0', '0.1.2.3', '::']],
    ['RFC 1918', ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255']],
    ['CGNAT', ['100.64.0.1', '100.127.255.255']],
    ['link-local', ['169.254.0.1', 'fe80::1', 'febf::1']],
    ['cloud metadata', ['169.254.169.254', 'fd00:ec2::254']],
    ['unique-local', ['fc00::1', 'fd12:3456::1']],
    [
      'multicast and reserved',
      ['224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', 'ff02::1', '2001:db8::1'],
    ],
    ['IPv4-mapped', ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::FFFF:192.168.1.1']],
    ['IPv4-compatible and NAT64', ['::127.0.0.1', '::7f00:1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe']],
    ['6to4 of a private address', ['2002:7f00:1::', '2002:c0a8:101::1']],
    ['zoned', ['fe80::1%eth0']],
  ])('refuses %s addresses', (_kind, addresses) => {
    for (const address of addresses) expect([address, isRefusedAddress(address)]).toEqual([address, true]);
  });

  it('lets public addresses through, in every form', () => {
    const allowed = [
      '1.1.1.1',
      '8.8.8.8',
      '93.184.216.34',
      '172.32.0.1',
      '100.128.0.1',
      '169.255.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82a::200e',
      '::ffff:8.8.8.8',
      '::ffff:808:808',
      '64:ff9b::8.8.8.8',
    ];
    for (const address of allowed) expect([address, isRefusedAddress(address)]).toEqual([address, false]);
  });

  it('refuses text that is not an address', () => {
    expect(isRefusedAddress('localhost')).toBe(true);
  });

  it('checks IP literal hosts, bracketed IPv6 included, unless private addresses are allowed', () => {
    expect(() => assertAllowedHost('127.0.0.1', false)).toThrow(expect.objectContaining({ code: 'address_refused' }));
    expect(() => assertAllowedHost('[::ffff:7f00:1]', false)).toThrow(
      expect.objectContaining({ code: 'address_refused' }),
    );
    expect(() => assertAllowedHost('[::1]', true)).not.toThrow();
    expect(() => assertAllowedHost('8.8.8.8', false)).not.toThrow();
    // Names are checked when they resolve, by the guarded lookup.
    expect(() => assertAllowedHost('localhost', false)).not.toThrow();
  });
});
