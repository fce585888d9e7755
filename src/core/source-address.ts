import ipaddr from 'ipaddr.js';

/**
 * The address a client counts under for per-source limits: IPv6 by its /64 (one host often holds
 * a whole /64), IPv4 as is; anything else (no address) is one source, 'unknown'.
 */
export function sourceOf(ip: string | null): string {
  if (ip === null || !ipaddr.isValid(ip)) return 'unknown';
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}
