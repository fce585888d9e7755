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
