import { masterKeyFingerprint } from './master-key.js';

/** Bytes of the key ID shown in envelopes and reports: the first 8 characters of the key's fingerprint (48 bits). */
const KEY_ID_LENGTH = 8;

/**
 * The short name of a master key that sealed envelopes carry (`v2.<key ID>.…`): the first
 * characters of its fingerprint (an HMAC of a fixed label, see masterKeyFingerprint), so it
 * tells keys apart without revealing anything of them.
 */
export function masterKeyId(key: Buffer): string {
  return masterKeyFingerprint(key).slice(0, KEY_ID_LENGTH);
}

export interface RingKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The master keys a process holds: the first is the current one (every new seal uses it), the
 * others only open what was sealed under them (during a master-key rotation, see
 * src/services/master-key-rotation.ts). Envelopes name their key by ID; envelopes of the first
 * format (`v1.`, no key ID) are tried with every key, the current one first.
 */
export class MasterKeyring {
  readonly current: RingKey;
  readonly keys: readonly RingKey[];
  private readonly byIdMap: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('MasterKeyring: at least one key');
    const seen = new Map<string, Buffer>();
    const list: RingKey[] = [];
    for (const key of keys) {
      if (key.length !== 32) throw new Error('MasterKeyring: a master key is exactly 32 bytes');
      const id = masterKeyId(key);
      if (seen.has(id)) continue;
      seen.set(id, key);
      list.push(Object.freeze({ id, key }));
    }
    this.keys = Object.freeze(list);
    this.current = list[0]!;
    this.byIdMap = seen;
  }

  byId(id: string): Buffer | undefined {
    return this.byIdMap.get(id);
  }

  /** The keys that are not the current one (read-only during a rotation). */
  get previous(): readonly RingKey[] {
    return this.keys.slice(1);
  }

  /** `<current>,<previous>…` as key IDs, for log lines and messages (never the keys). */
  describe(): string {
    return this.keys.map((k) => k.id).join(',');
  }
}

const single = new WeakMap<Buffer, MasterKeyring>();

/** A keyring as given, or the one-key keyring of a bare key (kept per key, so sealing costs no fingerprint each time). */
export function keyringOf(keys: Buffer | MasterKeyring): MasterKeyring {
  if (keys instanceof MasterKeyring) return keys;
  let ring = single.get(keys);
  if (ring === undefined) {
    ring = new MasterKeyring([keys]);
    single.set(keys, ring);
  }
  return ring;
}
