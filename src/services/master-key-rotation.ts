/**
 * Master-key rotation: every sealed value (see SEALED_KINDS) re-sealed under the keyring's current
 * key, in batches, each batch one transaction, while servers keep serving.
 *
 * - Online: a value is replaced only while it still holds what was read (a guarded write), so a
 *   server that changes it meanwhile (a key rotated, a mail sent) wins, and its new value is
 *   sealed under whatever key that server seals with; a later run picks up what is left.
 * - Resumable: a crash loses at most the batch in flight (its transaction rolls back); every
 *   value is readable at every moment by a process holding both keys, and a second run only
 *   touches values not yet under the current key.
 * - Refused with one line, nothing of the batch written: a value that no key of the keyring
 *   opens (a wrong keyring, or a tampered row).
 *
 * What derives from the master key without being sealed (see README, "Rotating the master key"):
 * recovery-code digests cannot be made again without the codes, so the code key of each previous
 * master key is kept, sealed under the current one (kind `recovery_code_key`); email step-up code
 * digests and known-device cookies are checked under every key of the keyring, and made under
 * the current one. CSRF tokens derive from the session cookie, not the master key.
 */
import { EnvelopeError, openSecret, openValue, sealSecret, sealValue } from '../crypto/envelope.js';
import type { MasterKeyring } from '../crypto/keyring.js';
import { masterKeyFingerprint } from '../crypto/master-key.js';
import { RETIRED_RECOVERY_CODE_KEY, recoveryCodeKey, retiredRecoveryCodeKeyBinding } from '../crypto/recovery-code.js';
import { SEALED_KINDS, type SealedKind, type SealedRow } from '../store/repos/sealed-values-repo.js';
import type { Store } from '../store/store.js';
import { mailBinding } from './mail-outbox.js';
import { totpBinding } from './totp-service.js';

/**
 * Name of the stored fingerprint (see masterKeyFingerprint) of the master key the database's
 * sealed values are under: the first key used, then the new key once a rotation begins
 * re-sealing. A process whose keyring lacks it refuses to start (see checkKeyring in main.ts).
 */
export const MASTER_KEY_FINGERPRINT = 'master_key_fingerprint';

export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

/** What people call each kind, in messages. */
export const SEALED_KIND_LABELS: Record<SealedKind, string> = {
  access_key_secret: 'access key secrets',
  access_key_previous_secret: 'previous secrets (rotation overlaps)',
  totp_secret: 'authenticator (TOTP) seeds',
  mail_body: 'queued mail bodies',
  recovery_code_key: 'recovery-code keys of previous master keys',
};

/** Sealed values per kind and master key ID (`v1` for envelopes of the first format, without a key ID). */
export type SealedCounts = Record<SealedKind, Record<string, number>>;

export const FIRST_FORMAT = 'v1';

export async function countSealed(store: Store): Promise<SealedCounts> {
  const counts = {} as SealedCounts;
  for (const kind of SEALED_KINDS) {
    counts[kind] = {};
    for (const { keyId, count } of await store.sealed.countByKey(kind)) counts[kind][keyId ?? FIRST_FORMAT] = count;
  }
  return counts;
}

/** Values not sealed under `keyId`, summed over every kind. */
export function notUnder(counts: SealedCounts, keyId: string): number {
  let n = 0;
  for (const kind of SEALED_KINDS) for (const [id, count] of Object.entries(counts[kind])) if (id !== keyId) n += count;
  return n;
}

function open(ring: MasterKeyring, kind: SealedKind, row: SealedRow): string {
  switch (kind) {
    case 'access_key_secret':
    case 'access_key_previous_secret':
      return openSecret(ring, row.envelope, { tenantId: row.tenantId!, accessKeyId: row.key });
    case 'totp_secret':
      return openValue(ring, row.envelope, totpBinding(row.tenantId!, row.key));
    case 'mail_body':
      return openValue(ring, row.envelope, mailBinding(row.key));
    case 'recovery_code_key':
      return openValue(ring, row.envelope, retiredRecoveryCodeKeyBinding(row.key.slice(RETIRED_RECOVERY_CODE_KEY.length)));
  }
}

function seal(ring: MasterKeyring, kind: SealedKind, row: SealedRow, plaintext: string): string {
  switch (kind) {
    case 'access_key_secret':
    case 'access_key_previous_secret':
      return sealSecret(ring, plaintext, { tenantId: row.tenantId!, accessKeyId: row.key });
    case 'totp_secret':
      return sealValue(ring, plaintext, totpBinding(row.tenantId!, row.key));
    case 'mail_body':
      return sealValue(ring, plaintext, mailBinding(row.key));
    case 'recovery_code_key':
      return sealValue(ring, plaintext, retiredRecoveryCodeKeyBinding(row.key.slice(RETIRED_RECOVERY_CODE_KEY.length)));
  }
}

function whose(kind: SealedKind, row: SealedRow): string {
  switch (kind) {
    case 'access_key_secret':
      return `the secret of access key ${row.key}`;
    case 'access_key_previous_secret':
      return `the previous secret of access key ${row.key}`;
    case 'totp_secret':
      return `the authenticator seed of user ${row.key}`;
    case 'mail_body':
      return `the body of queued mail ${row.key}`;
    case 'recovery_code_key':
      return `the kept recovery-code key ${row.key}`;
  }
}

export interface RotationOptions {
  /** Values per batch (one transaction each). */
  batchSize?: number;
  /** Stops after this many batches (a later run goes on); unset: until done. */
  maxBatches?: number;
  /** Told after each committed batch. */
  onBatch?: (progress: { kind: SealedKind; resealed: number; batches: number }) => void;
}

export interface RotationResult {
  /** Values re-sealed by this run. */
  resealed: number;
  batches: number;
  /** False when maxBatches stopped it before the end. */
  finished: boolean;
  /** The counts once it stopped. */
  counts: SealedCounts;
  /** Values still under another key than the current one (0: the previous keys can be retired). */
  remaining: number;
}

/**
 * Marks the keyring's current key as the one sealed values are under (processes without it
 * refuse to start from now on), keeps the recovery-code keys of the previous keys, and re-seals.
 */
export async function rotateMasterKey(store: Store, ring: MasterKeyring, options: RotationOptions = {}): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RotationError('the batch size is a whole number of at least 1');
  const current = ring.current;
  await beginRotation(store, ring);
  let resealed = 0;
  let batches = 0;
  let finished = true;
  outer: for (const kind of SEALED_KINDS) {
    let after: string | null = null;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) {
        finished = false;
        break outer;
      }
      const batch: { done: number; last: string | null } = await store.transaction(async (tx) => {
        const rows = await tx.sealed.notUnder(kind, current.id, after, batchSize);
        let done = 0;
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = open(ring, kind, row);
          } catch (error) {
            if (!(error instanceof EnvelopeError)) throw error;
            throw new RotationError(
              `${whose(kind, row)} does not open with the keyring (${ring.describe()}): ${error.message} Nothing of this batch was changed; ` +
                'give the keyring every master key in use (the current one first), or, for a tampered access key, rotate that key.',
            );
          }
          if (await tx.sealed.replace(kind, row.key, row.envelope, seal(ring, kind, row, plaintext))) done++;
        }
        return { done, last: rows.length === 0 ? null : rows[rows.length - 1]!.key };
      });
      if (batch.last === null) break;
      batches++;
      resealed += batch.done;
      after = batch.last;
      options.onBatch?.({ kind, resealed, batches });
    }
  }
  const counts = await countSealed(store);
  return { resealed, batches, finished, counts, remaining: notUnder(counts, current.id) };
}

async function beginRotation(store: Store, ring: MasterKeyring): Promise<void> {
  const fingerprint = masterKeyFingerprint(ring.current.key);
  const standing = await store.meta.get(MASTER_KEY_FINGERPRINT);
  if (standing !== null && standing !== fingerprint) {
    if (!ring.keys.some(({ key }) => masterKeyFingerprint(key) === standing)) {
      throw new RotationError(`the keyring (${ring.describe()}) does not hold master key ${standing.slice(0, 8)}, which this database's values are sealed under`);
    }
    await store.meta.replace(MASTER_KEY_FINGERPRINT, standing, fingerprint);
  } else if (standing === null) {
    await store.meta.putIfAbsent(MASTER_KEY_FINGERPRINT, fingerprint);
  }
  for (const previous of ring.previous) {
    const name = `${RETIRED_RECOVERY_CODE_KEY}${previous.id}`;
    if ((await store.meta.get(name)) !== null) continue;
    await store.meta.putIfAbsent(name, sealValue(ring, recoveryCodeKey(previous.key).toString('hex'), retiredRecoveryCodeKeyBinding(previous.id)));
  }
}
