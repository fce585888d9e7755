/**
 * `latchkey master-key status|rotate|retire`: the master keyring and what it seals (see
 * src/services/master-key-rotation.ts and the README, "Rotating the master key").
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { masterKeyId, type MasterKeyring } from '../crypto/keyring.js';
import { decodeMasterKey, MASTER_KEY_FILE, MasterKeyError, readOrCreateKeyFile, writeKeysFile } from '../crypto/master-key.js';
import type { Runtime } from '../main.js';
import { countSealed, FIRST_FORMAT, MASTER_KEY_FINGERPRINT, notUnder, rotateMasterKey, SEALED_KIND_LABELS, type SealedCounts } from '../services/master-key-rotation.js';
import { SEALED_KINDS } from '../store/repos/sealed-values-repo.js';
import { print, type CliIo, type RuntimeSource } from './context.js';

function positive(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return Number(text);
}

/** The keyring as a report shows it: key IDs only, never a key. */
function ringView(ring: MasterKeyring): { keyId: string; role: 'current' | 'previous' }[] {
  return ring.keys.map((k, i) => ({ keyId: k.id, role: i === 0 ? 'current' : 'previous' }));
}

function countsText(counts: SealedCounts): string {
  const lines: string[] = [];
  for (const kind of SEALED_KINDS) {
    const entries = Object.entries(counts[kind]);
    const text = entries.length === 0 ? 'none' : entries.map(([id, n]) => `${n} under ${id === FIRST_FORMAT ? 'the first key (envelopes without a key ID)' : id}`).join(', ');
    lines.push(`  ${SEALED_KIND_LABELS[kind]}: ${text}`);
  }
  return lines.join('\n');
}

/** Whether the keyring comes from files in the data directory (then the commands write master.keys). */
const fromFiles = (runtime: Runtime) => runtime.masterKeySource !== 'env';

function retireAdvice(runtime: Runtime): string {
  const ring = runtime.keyring;
  const old = ring.previous.map((k) => k.id).join(', ');
  return fromFiles(runtime)
    ? `Master key ${old} can be retired: run \`latchkey master-key retire\`, then restart every process.`
    : `Master key ${old} can be retired: set LATCHKEY_MASTER_KEYS to master key ${ring.current.id} alone on every process and restart them, then destroy every copy of ${old}.`;
}

export function masterKeyCommands(program: Command, runtime: RuntimeSource, io: CliIo): void {
  const group = program
    .command('master-key')
    .description('The master key that seals secrets at rest: status, rotation to a new key, retiring the old one')
    .addHelpText('after', ['', 'Example (keys in the data directory):', '  latchkey master-key rotate   # adds a new key; restart every process; run it again to re-seal'].join('\n'));

  group
    .command('status')
    .description('The keyring (key IDs) and how many sealed values each master key holds')
    .option('--json', 'print machine-readable JSON')
    .action((opts: { json?: boolean }) =>
      runtime.use(async (rt) => {
        const counts = await countSealed(rt.store);
        const remaining = notUnder(counts, rt.keyring.current.id);
        const standing = (await rt.store.meta.get(MASTER_KEY_FINGERPRINT))?.slice(0, 8) ?? null;
        const value = { keyring: ringView(rt.keyring), keyringSource: rt.keyringWhere, sealedUnder: standing, counts, notUnderCurrent: remaining };
        print(io, opts.json === true, value, () =>
          [
            `Keyring (${rt.keyringWhere}): ${ringView(rt.keyring)
              .map((k) => `${k.keyId} (${k.role})`)
              .join(', ')}`,
            'Sealed values by master key ID:',
            countsText(counts),
            remaining === 0
              ? rt.keyring.keys.length > 1
                ? `Every sealed value is under the current key ${rt.keyring.current.id}. ${retireAdvice(rt)}`
                : `Every sealed value is under the current key ${rt.keyring.current.id}.`
              : `${remaining} sealed values are not under the current key ${rt.keyring.current.id}: run \`latchkey master-key rotate\`.`,
          ].join('\n'),
        );
      }),
    );

  group
    .command('rotate')
    .description('With one key: add a new master key to the keyring. With a keyring of two or more: re-seal every value under the current (first) key')
    .option('--key-file <file>', 'the new key: read from this file (mode 0600) when it exists, else made there; needed when the keyring comes from LATCHKEY_MASTER_KEY(S)')
    .option('--batch-size <n>', 'values re-sealed per transaction', positive, 500)
    .option('--max-batches <n>', 'stop after this many batches (run it again to go on)', positive)
    .option('--json', 'print machine-readable JSON')
    .action((opts: { keyFile?: string; batchSize: number; maxBatches?: number; json?: boolean }) =>
      runtime.use(async (rt) => {
        if (rt.keyring.keys.length === 1) return addKey(rt, io, opts);
        const result = await rotateMasterKey(rt.store, rt.keyring, {
          batchSize: opts.batchSize,
          ...(opts.maxBatches !== undefined && { maxBatches: opts.maxBatches }),
          onBatch: ({ resealed, batches }) => io.err(`batch ${batches}: ${resealed} values re-sealed so far\n`),
        });
        const current = rt.keyring.current.id;
        const retirable = result.finished && result.remaining === 0;
        print(io, opts.json === true, { keyring: ringView(rt.keyring), ...result, retirable }, () =>
          [
            `Re-sealed ${result.resealed} values under master key ${current} in ${result.batches} batches.`,
            countsText(result.counts),
            retirable
              ? `Every sealed value is under ${current}. ${retireAdvice(rt)}`
              : !result.finished
                ? `Stopped after ${result.batches} batches (--max-batches): ${result.remaining} values are still under another key. Run \`latchkey master-key rotate\` again to finish; keep every key in the keyring until then.`
                : `${result.remaining} values are still under another key (a process sealed them meanwhile with an old key first in its keyring): give every process the keyring with ${current} first, then run \`latchkey master-key rotate\` again.`,
          ].join('\n'),
        );
      }),
    );

  group
    .command('retire')
    .description('Drop the previous master keys from master.keys once no value is sealed under them')
    .option('--json', 'print machine-readable JSON')
    .action((opts: { json?: boolean }) =>
      runtime.use(async (rt) => {
        const ring = rt.keyring;
        if (ring.keys.length === 1) throw new MasterKeyError(`nothing to retire: the keyring (${rt.keyringWhere}) holds only master key ${ring.current.id}`);
        const counts = await countSealed(rt.store);
        const remaining = notUnder(counts, ring.current.id);
        if (remaining > 0) throw new MasterKeyError(`${remaining} sealed values are not under the current key ${ring.current.id} yet: run \`latchkey master-key rotate\` first`);
        const retired = ring.previous.map((k) => k.id);
        if (!fromFiles(rt)) {
          print(io, opts.json === true, { retired, keyring: [ring.current.id], written: null }, () => retireAdvice(rt));
          return;
        }
        const file = writeKeysFile(rt.config.dataDir, [ring.current.key], `master keyring: ${ring.current.id} (current); retired ${retired.join(', ')}`);
        // The first key file, if it still holds a retired key, goes too: nothing reads it any more.
        const legacy = join(rt.config.dataDir, MASTER_KEY_FILE);
        const legacyKey = existsSync(legacy) ? decodeMasterKey(readFileSync(legacy, 'utf8')) : null;
        const removed = legacyKey !== null && masterKeyId(legacyKey) !== ring.current.id;
        if (removed) rmSync(legacy);
        print(io, opts.json === true, { retired, keyring: [ring.current.id], written: file, removed: removed ? legacy : null }, () =>
          [
            `Retired master key ${retired.join(', ')}: ${file} now holds only ${ring.current.id}${removed ? ` (and ${legacy}, which held the retired key, is deleted)` : ''}.`,
            'Restart every process so it drops the old key, and destroy any other copy of it (it still opens backups made before the rotation).',
          ].join('\n'),
        );
      }),
    );
}

/** The first step of a rotation: a new current key in the keyring, the old one kept to read. */
function addKey(rt: Runtime, io: CliIo, opts: { keyFile?: string; json?: boolean }): void {
  const old = rt.keyring.current;
  let key: Buffer;
  let keyFile: string | null = null;
  if (opts.keyFile !== undefined) {
    keyFile = resolve(opts.keyFile);
    key = readOrCreateKeyFile(keyFile).key;
  } else if (!fromFiles(rt)) {
    throw new MasterKeyError(`the master key comes from ${rt.keyringWhere}: give --key-file FILE, where the new key is written (mode 0600), then list it first in LATCHKEY_MASTER_KEYS`);
  } else {
    key = randomBytes(32);
  }
  const id = masterKeyId(key);
  if (id === old.id) throw new MasterKeyError(`the new key is master key ${id}, the current one: give another key`);
  let written: string | null = null;
  if (fromFiles(rt)) written = writeKeysFile(rt.config.dataDir, [key, old.key], `master keyring: ${id} (current), ${old.id} (previous, read only until retired)`);
  const setting = written
    ? `every process needs the keyring in ${written} (master keys ${id},${old.id}): restart each process on this data directory; elsewhere, copy that file (mode 0600) or set LATCHKEY_MASTER_KEYS to its two keys, new first`
    : `every process needs LATCHKEY_MASTER_KEYS set to the key in ${keyFile}, a comma, then the key it uses now (master keys ${id},${old.id}), and LATCHKEY_MASTER_KEY unset: set it and restart each process`;
  print(io, opts.json === true, { newKeyId: id, previousKeyId: old.id, keyFile, written, keyring: [id, old.id] }, () =>
    [
      `New master key ${id}${keyFile ? ` in ${keyFile}` : ''} is the current key, ${old.id} is kept to read what it sealed.`,
      `Next: ${setting}. Then run \`latchkey master-key rotate\` again (with that keyring) to re-seal every value under ${id}.`,
    ].join('\n'),
  );
}
