import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3) for the bearer-token checksum. Node's zlib.crc32 is pure (no I/O) and measured
 * as fast as the former table-driven loop on a 64-character token body. It hashes the UTF-8 bytes of
 * the text; token alphabets are ASCII, so that is one byte per character, as before.
 */
export function crc32(text: string): number {
  return zlibCrc32(text);
}
