import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { inRange, parseAddress, rangeOf, wordsOf } from './source-address.js';

const words = (ip: string) => wordsOf(parseAddress(ip)!);

describe('inRange', () => {
  it('matches addresses in IPv4 and IPv6 ranges by their leading bits, and never across kinds', () => {
    expect(inRange(words('203.0.113.9'), rangeOf('203.0.113.0/24'))).toBe(true);
    expect(inRange(words('203.0.114.9'), rangeOf('203.0.113.0/24'))).toBe(false);
    expect(inRange(words('255.255.255.255'), rangeOf('0.0.0.0/0'))).toBe(true);
    expect(inRange(words('10.1.2.3'), rangeOf('10.1.2.3/32'))).toBe(true);
    expect(inRange(words('10.1.2.4'), rangeOf('10.1.2.3/32'))).toBe(false);
    expect(inRange(words('128.0.0.1'), rangeOf('0.0.0.0/1'))).toBe(false);
    expect(inRange(words('2001:db8::1'), rangeOf('2001:db8::/32'))).toBe(true);
    expect(inRange(words('2001:db9::1'), rangeOf('2001:db8::/32'))).toBe(false);
    expect(inRange(words('2001:db8::1'), rangeOf('2001:db8::1/128'))).toBe(true);
    expect(inRange(words('2001:db8::2'), rangeOf('2001:db8::1/128'))).toBe(false);
    expect(inRange(words('2001:db8:0:0:8000::'), rangeOf('2001:db8::/65'))).toBe(false);
    expect(inRange(words('2001:db8:0:0:7fff::'), rangeOf('2001:db8::/65'))).toBe(true);
    // An IPv4-mapped address is its IPv4 address (parseAddress), so it is in IPv4 ranges and not in ::ffff:0:0/96.
    expect(inRange(words('::ffff:203.0.113.9'), rangeOf('203.0.113.0/24'))).toBe(true);
    expect(inRange(words('::ffff:203.0.113.9'), rangeOf('::ffff:0:0/96'))).toBe(false);
    expect(inRange(words('203.0.113.9'), rangeOf('::/0'))).toBe(false);
    expect(inRange(words('::1'), rangeOf('0.0.0.0/0'))).toBe(false);
  });

  it('agrees with ipaddr.js on random addresses and ranges of every prefix length', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const v4 = () => [0, 1, 2, 3].map(() => random() % 256).join('.');
    const v6 = () => Array.from({ length: 8 }, () => (random() % 65_536).toString(16)).join(':');
    for (let i = 0; i < 5_000; i++) {
      const six = i % 2 === 1;
      const network = six ? v6() : v4();
      const bits = random() % (six ? 129 : 33);
      // Half of the addresses share the network's first bits, so both answers come up.
      const address = i % 4 < 2 ? network : six ? v6() : v4();
      const expected = ipaddr.parse(address).match(ipaddr.parseCIDR(`${network}/${bits}`));
      expect(inRange(words(address), rangeOf(`${network}/${bits}`)), `${address} in ${network}/${bits}`).toBe(expected);
    }
  });
});
