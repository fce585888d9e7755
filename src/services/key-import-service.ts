import { AppError } from '../core/errors.js';
import { checkImportLine, MAX_IMPORT_LINES, NO_SECRET, type ImportLine, type ImportRefusal } from '../core/key-import.js';
import type { AccessKey, User } from '../core/model.js';
import { keyLimitFor, MAX_VALIDITY_DAYS } from '../core/policy.js';
import { sha256Hex } from '../crypto/digest.js';
import { sealSecret, type SealingKeys } from '../crypto/envelope.js';
import { generateAccessKeyId } from '../crypto/random.js';
import type { Store } from '../store/store.js';
import { requireAdmin, type Actor, type Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import type { StepUpService } from './step-up-service.js';

/** One line of an import file: what JSON.parse gave, or why it could not parse it. */
export type ImportItem = { line: number; value: unknown } | { line: number; notJson: string };

export interface ImportedKey {
  line: number;
  accessKeyId: string;
  name: string;
  ownerId: string;
  state: 'enabled' | 'disabled';
  /** Whether it verifies as a bearer token: its secret is in Latchkey's format, or it was imported by its token's digest. */
  bearer: boolean;
  /** Whether signed requests (SigV4, TC3) can name it: false for a key imported by its token's digest. */
  signed: boolean;
}

export interface ImportResult {
  imported: number;
  keys: ImportedKey[];
}

const DAY_MS = 86_400_000;

/**
 * Imports keys from another system (admins only), all or nothing: every line is checked (shape,
 * owner, the tenant policy's expiry rules and key limits, IDs taken here or elsewhere in the
 * file) before anything is written; one refused line refuses the file with every refusal listed
 * (IMPORT_REFUSED, details.refused: line, field, reason). The keys are then written in one
 * transaction, each through the same quota-guarded insert as a created key, with an audit event
 * each and one for the file.
 */
export class KeyImportService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly masterKey: SealingKeys;
  private readonly stepUp: StepUpService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; masterKey: SealingKeys; stepUp: StepUpService }) {
    this.stepUp = options.stepUp;
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.masterKey = options.masterKey;
  }

  importKeys(actor: Actor, items: ImportItem[]): Promise<ImportResult> {
    return this.audit.refusable(actor, { action: 'access_key.import', targetType: 'tenant', targetId: actor.tenantId }, () => this.run(actor, items));
  }

  private async run(actor: Actor, items: ImportItem[]): Promise<ImportResult> {
    requireAdmin(actor, 'latchkey:keys:write');
    if (items.length === 0 || items.length > MAX_IMPORT_LINES) {
      throw new AppError('VALIDATION_FAILED', `An import holds 1 to ${MAX_IMPORT_LINES} keys (one per line).`, { field: 'keys' });
    }
    const now = this.clock.now();
    const refused: ImportRefusal[] = [];
    const entries: ImportLine[] = [];
    for (const item of items) {
      if ('notJson' in item) {
        refused.push({ line: item.line, field: null, reason: `not valid JSON: ${item.notJson}` });
        continue;
      }
      const checked = checkImportLine(item.line, item.value, now);
      if (checked.ok) entries.push(checked.entry);
      else refused.push(checked.refusal);
    }
    const tenant = await this.store.tenants.findById(actor.tenantId);
    if (!tenant) throw new AppError('NOT_FOUND');
    const policy = tenant.policy;
    // Importing makes working keys as creating does: a console session proves itself again first, when the policy asks it to.
    await this.stepUp.require(actor, policy);
    const owners = await this.owners(actor.tenantId, entries);
    const taken = await this.store.accessKeys.takenIds(entries.flatMap((e) => (e.accessKeyId === null ? [] : [e.accessKeyId])));
    const takenDigests = await this.store.accessKeys.takenTokenDigests(entries.flatMap((e) => (e.tokenDigest === null ? [] : [e.tokenDigest])));
    const firstLine = new Map<string, number>();
    const planned = new Map<string, number>();
    const held = new Map<string, number>();
    const accepted: { entry: ImportLine; owner: User; limit: number | null }[] = [];
    for (const entry of entries) {
      const idField = entry.idFrom;
      const refuse = (field: string, reason: string) => refused.push({ line: entry.line, field, reason });
      const owner = owners.get(ownerKey(entry));
      // A key is one ID, or (imported by digest) one token digest: either may appear once.
      const identity = entry.accessKeyId ?? `sha256:${entry.tokenDigest}`;
      const what = entry.accessKeyId === null ? 'the same sha256' : `the access key ID ${entry.accessKeyId}`;
      const earlier = firstLine.get(identity);
      if (earlier !== undefined) refuse(idField, `${what} is also on line ${earlier}`);
      else if (entry.accessKeyId !== null && taken.has(entry.accessKeyId)) refuse(idField, `${what} is already taken`);
      else if (entry.tokenDigest !== null && takenDigests.has(entry.tokenDigest)) refuse(idField, 'a key with this sha256 was already imported');
      else if (!owner) refuse('owner', 'no such user in this tenant');
      else if (owner.status !== 'active') refuse('owner', 'the user is disabled');
      else if (owner.role === 'member' && !owner.programmaticAccess) refuse('owner', 'the user has no programmatic access');
      else if (entry.expiresAt === null && !policy.allowNeverExpires) refuse('expiresAt', 'the tenant policy does not allow keys that never expire');
      else if (entry.expiresAt !== null && entry.expiresAt.getTime() > now.getTime() + MAX_VALIDITY_DAYS * DAY_MS) refuse('expiresAt', `more than ${MAX_VALIDITY_DAYS} days from now`);
      else {
        const limit = keyLimitFor(owner.role, policy);
        if (!held.has(owner.id)) held.set(owner.id, await this.store.accessKeys.countHeld(owner.id));
        const count = (planned.get(owner.id) ?? 0) + 1;
        if (limit !== null && held.get(owner.id)! + count > limit) {
          refuse('owner', `the user would hold more than ${limit} keys, the most the tenant policy allows (they hold ${held.get(owner.id)} now)`);
        } else {
          planned.set(owner.id, count);
          accepted.push({ entry, owner, limit });
        }
      }
      if (earlier === undefined) firstLine.set(identity, entry.line);
    }
    if (refused.length > 0) {
      refused.sort((a, b) => a.line - b.line);
      await this.audit.record(actor, {
        action: 'access_key.import',
        targetType: 'tenant',
        targetId: actor.tenantId,
        result: 'failure',
        details: { reason: 'IMPORT_REFUSED', lines: items.length, refused: refused.length },
      });
      throw new AppError('IMPORT_REFUSED', `${refused.length} of ${items.length} lines were refused; nothing was imported.`, { refused });
    }
    const keys = accepted.map(({ entry, owner, limit }) => ({ entry, limit, key: this.keyOf(actor, entry, owner, now) }));
    try {
      await this.store.transaction(async (tx) => {
        for (const { entry, limit, key } of keys) {
          // A key known by its token's digest has no secret: its digest stands for the secret's, and an empty envelope says none can be opened.
          const secrets = {
            secretDigest: entry.secret === null ? entry.tokenDigest! : sha256Hex(entry.secret),
            secretEnvelope: entry.secret === null ? NO_SECRET : sealSecret(this.masterKey, entry.secret, { tenantId: key.tenantId, accessKeyId: key.accessKeyId }),
            secretVersion: 1,
            previousSecretDigest: null,
            previousSecretEnvelope: null,
            previousSecretExpiresAt: null,
          };
          if ((await tx.accessKeys.insertWithinQuota({ key, secrets, tokenDigest: entry.tokenDigest }, limit)) === 'limit-reached') {
            throw new AppError('CONFLICT', `Keys were created for ${key.ownerId} while the import ran: line ${entry.line} is now over the key limit. Nothing was imported; try again.`);
          }
          await this.audit.record(
            actor,
            {
              action: 'access_key.import',
              targetType: 'access_key',
              targetId: key.accessKeyId,
              details: { line: entry.line, name: key.name, ownerId: key.ownerId, state: key.state, expiresAt: key.expiresAt?.toISOString() ?? null, bearer: entry.bearer },
            },
            tx,
          );
        }
        await this.audit.record(actor, { action: 'access_key.import_file', targetType: 'tenant', targetId: actor.tenantId, details: { lines: items.length, imported: keys.length } }, tx);
      });
    } catch (error) {
      if (this.store.dialect.isUniqueViolation(error)) throw new AppError('CONFLICT', 'An access key ID of the import was taken while it ran; nothing was imported. Try again to see which.');
      throw error;
    }
    return {
      imported: keys.length,
      keys: keys.map(({ entry, key }) => ({
        line: entry.line,
        accessKeyId: key.accessKeyId,
        name: key.name,
        ownerId: key.ownerId,
        state: key.state as 'enabled' | 'disabled',
        bearer: entry.bearer,
        signed: entry.secret !== null,
      })),
    };
  }

  /** The owners the lines name, by user ID or email, keyed as ownerKey() says. */
  private async owners(tenantId: string, entries: ImportLine[]): Promise<Map<string, User>> {
    const found = new Map<string, User>();
    const ids = [...new Set(entries.flatMap((e) => ('userId' in e.owner ? [e.owner.userId] : [])))];
    for (const user of await this.store.users.findMany(tenantId, ids)) found.set(`id:${user.id}`, user);
    for (const email of new Set(entries.flatMap((e) => ('email' in e.owner ? [e.owner.email] : [])))) {
      const user = (await this.store.users.findByEmailWithHash(tenantId, email))?.user;
      if (user) found.set(`email:${email}`, user);
    }
    return found;
  }

  private keyOf(actor: Actor, entry: ImportLine, owner: User, now: Date): AccessKey {
    return {
      accessKeyId: entry.accessKeyId ?? generateAccessKeyId(),
      tenantId: actor.tenantId,
      ownerId: owner.id,
      creatorId: actor.user.id,
      name: entry.name,
      type: 'api',
      state: entry.state,
      createdAt: entry.createdAt ?? now,
      updatedAt: now,
      expiresAt: entry.expiresAt,
      lastUsedAt: entry.lastUsedAt,
      deletedAt: null,
      previousSecretExpiresAt: null,
      roleIds: [],
      groupIds: [],
    };
  }
}

function ownerKey(entry: ImportLine): string {
  return 'userId' in entry.owner ? `id:${entry.owner.userId}` : `email:${entry.owner.email}`;
}
