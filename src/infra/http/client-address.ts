import { BlockList, isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The client's address under TRUST_PROXY (`resolveClientAddress`): what rate limits count and
     * sessions record. Fastify's own `ip` is the peer's address (its trustProxy is left off).
     */
    readonly clientAddress: string;
  }
}

/** TRUST_PROXY: off, a number of proxy hops (`true` is one), or the proxies' addresses and CIDR ranges. */
export type TrustProxySetting = boolean | number | string[];

/** Is `address` (the peer at `hop` 0, then X-Forwarded-For entries from the right) a trusted proxy? */
export type TrustedHop = (address: string, hop: number) => boolean;

export const MAX_PROXY_HOPS = 32;

/** `address` or `address/prefix`, IPv4 or IPv6. */
function isProxyRange(range: string): boolean {
  const [address, prefix, ...rest] = range.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as written (`true/false/yes/no` in any case, a number of hops, or a comma-separated
 * list of addresses and CIDR ranges) or as already parsed; undefined when it is none of those.
 */
export function parseTrustProxy(value: unknown): TrustProxySetting | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_PROXY_HOPS) return undefined;
    return value <= 1 ? value === 1 : value;
  }
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((range) => typeof range === 'string' && isProxyRange(range))
      ? value
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  if (/^\d{1,3}$/.test(text)) return parseTrustProxy(Number(text));
  return parseTrustProxy(text.split(',').map((range) => range.trim()));
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** The rule a setting stands for; null when no proxy is trusted. */
export function trustedHops(setting: TrustProxySetting): TrustedHop | null {
  if (setting === false || setting === 0) return null;
  if (setting === true) return (_address, hop) => hop < 1;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const proxies = new BlockList();
  for (const range of setting) {
    const [address, prefix] = range.split('/');
    if (prefix === undefined) proxies.addAddress(address, familyOf(address));
    else proxies.addSubnet(address, Number(prefix), familyOf(address));
  }
  return (address) => {
    try {
      return proxies.check(address, familyOf(address));
    } catch {
      // An address BlockList cannot read (an IPv6 zone id) is no proxy of ours.
      return false;
    }
  };
}

/** One spelling per address: IPv4-mapped IPv6 (`::ffff:192.0.2.1`, a dual-stack socket's) as IPv4. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address.toLowerCase();
}

/**
 * The client's address. Without trusted proxies, the peer's. Otherwise X-Forwarded-For is read
 * from the right, where each trusted proxy appended the address it was connected from: the first
 * entry that is not a trusted hop is the client. Entries further left were written by the client
 * and are never used. An entry that is not an IP address makes the peer's address the answer.
 * When every entry is a trusted hop, the left-most (the farthest known) is the client.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedHop | null,
): string {
  const peerAddress = normalize(peer ?? '');
  if (!trusted || forwardedFor === undefined || !trusted(peerAddress, 0)) return peerAddress;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let address = peerAddress;
  for (let hop = 1; hop <= entries.length; hop++) {
    const entry = entries[entries.length - hop].trim();
    if (isIP(entry) === 0) return peerAddress;
    address = normalize(entry);
    if (!trusted(address, hop)) return address;
  }
  return address;
}

/** Gives every request its `clientAddress`. */
export function registerClientAddress(fastify: FastifyInstance, setting: TrustProxySetting): void {
  const trusted = trustedHops(setting);
  fastify.decorateRequest('clientAddress', {
    getter(this: FastifyRequest) {
      return resolveClientAddress(this.socket.remoteAddress, this.headers['x-forwarded-for'], trusted);
    },
  });
}
