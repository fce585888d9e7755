/**
 * `latchkey backup <file>` and `latchkey restore <file>` (issue 13 item 1): the embedded SQLite
 * database only; on PostgreSQL both refuse with the pg_dump / pg_restore commands that do it.
 * The master key is never in a backup: a backup is useless without it.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { MASTER_KEY_FILE, MASTER_KEYS_FILE, masterKeyFingerprint, readKeyringIfPresent } from '../crypto/master-key.js';
import { keyringOptionsOf, migrateDatabase } from '../main.js';
import { BackupError, backupSqlite, removeRestored, restoreSqlite, type BackupSummary } from '../store/dialects/sqlite-backup.js';
import { MIGRATION_NAMES, SQLITE_FILE } from '../store/store.js';
import { print, type CliIo, type RuntimeSource } from './context.js';

const POSTGRES_ADVICE =
  'this installation uses PostgreSQL (LATCHKEY_DATABASE_URL): back it up with pg_dump -Fc -f latchkey.dump "$LATCHKEY_DATABASE_URL" and restore it into an empty database with pg_restore --no-owner -d "$LATCHKEY_DATABASE_URL" latchkey.dump (see the README, Operations).';

function keysLine(summary: BackupSummary): string {
  const k = summary.accessKeys;
  return `${k.total} access keys (${k.enabled} enabled, ${k.disabled} disabled, ${k.deleted} deleted), ${summary.users} users in ${summary.tenants} tenants, ${summary.auditEvents} audit events, schema ${summary.schema}`;
}

export function backupCommands(program: Command, runtime: RuntimeSource, io: CliIo): void {
  program
    .command('backup')
    .description('Write a consistent copy of the SQLite database to <file> while the server keeps serving (the master key is not in it)')
    .argument('<file>', 'where to write the copy (mode 0600)')
    .option('--force', 'replace <file> if it exists')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  latchkey backup /var/backups/latchkey-$(date +%F).db')
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const config = runtime.settings();
      if (config.databaseUrl !== null) throw new BackupError(`latchkey backup: ${POSTGRES_ADVICE}`);
      const summary = await backupSqlite({ source: join(config.dataDir, SQLITE_FILE), target: file, force: opts.force === true, knownMigrations: MIGRATION_NAMES });
      print(io, opts.json === true, summary, () =>
        [
          `Wrote ${summary.file}: ${summary.bytes} bytes, ${keysLine(summary)}.`,
          'The master key is not in the backup: keep it apart (LATCHKEY_MASTER_KEY or master.key); without it the backup is useless.',
        ].join('\n'),
      );
    });

  program
    .command('restore')
    .description('Restore a backup made by `latchkey backup` into an empty data directory, then apply migrations')
    .argument('<file>', 'the backup file')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  LATCHKEY_DATA_DIR=/var/lib/latchkey-new latchkey restore /var/backups/latchkey-2026-12-04.db')
    .action(async (file: string, opts: { json?: boolean }) => {
      const config = runtime.settings();
      if (config.databaseUrl !== null) throw new BackupError(`latchkey restore: ${POSTGRES_ADVICE}`);
      const target = join(config.dataDir, SQLITE_FILE);
      const summary = await restoreSqlite({
        file,
        dataDir: config.dataDir,
        databaseFile: SQLITE_FILE,
        allowedFiles: [MASTER_KEY_FILE, MASTER_KEYS_FILE],
        knownMigrations: MIGRATION_NAMES,
        // A master keyring already given must hold the key the backup's secrets are sealed under.
        checkBefore: (backup) => {
          const given = readKeyringIfPresent(keyringOptionsOf(config));
          if (given && backup.masterKeyFingerprint !== null && !given.keys.some((key) => masterKeyFingerprint(key) === backup.masterKeyFingerprint)) {
            throw new BackupError(`The master key (${given.where}) is not the one this backup's secrets are sealed under: give the installation's own master key.`);
          }
        },
      });
      let applied: string[];
      try {
        applied = (await migrateDatabase(config)).applied;
      } catch (error) {
        removeRestored(target);
        throw error;
      }
      print(io, opts.json === true, { ...summary, restoredTo: target, migrationsApplied: applied }, () =>
        [
          `Restored ${summary.file} into ${target}: ${keysLine(summary)}.`,
          applied.length === 0 ? 'The schema is up to date.' : `Migrations applied: ${applied.join(', ')}.`,
          `Start the server with the installation's master key (LATCHKEY_MASTER_KEY, or ${join(config.dataDir, MASTER_KEY_FILE)}) before anything else: a new one cannot open the key secrets.`,
        ].join('\n'),
      );
    });
}
