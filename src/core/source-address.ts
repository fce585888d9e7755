import ipaddr from 'ipaddr.js';

/** The address in `ip` (an IPv4-mapped IPv6 address as its IPv4 address), parsed once; null when it is none. */
export function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(ip);
  } catch {
    return null;
  }
}

/**
 * The address a client counts under for per-source limits: IPv6 by its /64 (one host often holds
 * a whole /64), IPv4 as is; anything else (no address) is one source, 'unknown'.
 */
export function sourceOf(ip: string | null): string {
  const parsed = ip === null ? null : parseAddress(ip);
  if (parsed === null) return 'unknown';
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

/**
 * An address as 32-bit words (one for IPv4, four for IPv6: the kind is the length), for matching
 * against ranges with integer operations on the hot path (ipaddr.js's `match` walked its parts
 * per call: ~14% of a verification with an IP allowlist).
 */
export type AddressWords = Int32Array;

/** A CIDR range in words: the network's words and how many leading bits must match. */
export interface AddressRange {
  readonly words: AddressWords;
  readonly bits: number;
}

export function wordsOf(address: ipaddr.IPv4 | ipaddr.IPv6): AddressWords {
  const bytes = address.toByteArray();
  const words = new Int32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = (bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!;
  return words;
}

/** A CIDR (`192.0.2.0/24`, `2001:db8::/32`) as words; throws as ipaddr.parseCIDR does on a malformed one. */
export function rangeOf(cidr: string): AddressRange {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return { words: wordsOf(network), bits };
}

/** Whether the address is in the range: same kind, and the range's leading bits equal (the rest of the network is ignored, as ipaddr.js's match does). */
export function inRange(address: AddressWords, range: AddressRange): boolean {
  if (address.length !== range.words.length) return false;
  let bits = range.bits;
  for (let i = 0; i < address.length && bits > 0; i++) {
    const mask = bits >= 32 ? -1 : ~(-1 >>> bits);
    if (((address[i]! ^ range.words[i]!) & mask) !== 0) return false;
    bits -= 32;
  }
  return true;
}
