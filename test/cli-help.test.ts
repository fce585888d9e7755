/** `latchkey --help` and every command's --help explain themselves; mistakes get commander's clear message. */
import { describe, expect, it } from 'vitest';
import { assertBuilt, NO_RUNTIME, runCli, runInProcess } from './support/cli.js';

const GROUPS: Record<string, string[]> = {
  users: ['list', 'create', 'get', 'grant-access', 'revoke-access', 'disable', 'enable', 'totp-reset', 'reset-password', 'set-role', 'update'],
  keys: ['list', 'create', 'get', 'update', 'rename', 'disable', 'enable', 'delete', 'rotate', 'replace', 'end-overlap', 'credits', 'import', 'permissions', 'access-records'],
  identities: ['list', 'show', 'set', 'delete', 'credits'],
  roles: ['list', 'create', 'get', 'update', 'delete'],
  groups: ['list', 'create', 'get', 'update', 'delete'],
  policy: ['get', 'set'],
  audit: ['list'],
};

/** Help pages come from the program in this process; they open no database. */
const help = async (args: string[]) => {
  const result = await runInProcess([...args, '--help'], NO_RUNTIME);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
};

/** The command names of a help page's "Commands:" section. */
const commandsOf = (text: string) =>
  [
    ...text
      .split('Commands:\n')[1]!
      .split('\n\n')[0]!
      .matchAll(/^ {2}([a-z-]+)/gm),
  ]
    .map((m) => m[1])
    .filter((c) => c !== 'help');

describe('latchkey --help', () => {
  it('the real process prints the same help page and exits 0, touching nothing', async () => {
    assertBuilt();
    const result = await runCli(['--help'], { env: {} });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(await help([]));
    const usage = await runCli(['keys', 'list', '--tenant', 'acme', '--colour'], { env: {} });
    expect(usage.code).toBe(1);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toBe("error: unknown option '--colour'\n(add --help for usage)\n");
  });

  it('lists every command', async () => {
    const text = await help([]);
    expect(text).toMatch(/^Usage: latchkey /);
    expect(commandsOf(text)).toEqual(['serve', 'migrate', 'init', ...Object.keys(GROUPS), 'master-key', 'backup', 'restore']);
    expect(text).toContain('LATCHKEY_');
    expect(await help(['init'])).toContain('--password-stdin');
    expect(await help(['backup'])).toMatch(/Usage: latchkey backup \[options\] <file>[\s\S]*--force[\s\S]*latchkey backup \//);
    expect(await help(['restore'])).toMatch(/Usage: latchkey restore \[options\] <file>[\s\S]*latchkey restore \//);
  });

  it.each(Object.entries(GROUPS))('%s lists its subcommands, and each explains its options', async (group, subcommands) => {
    expect(commandsOf(await help([group]))).toEqual(subcommands);
    const pages = await Promise.all(subcommands.map((sub) => help([group, sub])));
    subcommands.forEach((sub, i) => {
      expect(pages[i]).toContain(`Usage: latchkey ${group} ${sub} [options]`);
      expect(pages[i]).toContain('--tenant <tenant>');
      expect(pages[i]).toContain('--as <email>');
      expect(pages[i]).toContain('--json');
    });
  });

  it("master-key lists status, rotate and retire, each with --json (no tenant: the keyring is the installation's)", async () => {
    expect(commandsOf(await help(['master-key']))).toEqual(['status', 'rotate', 'retire']);
    const rotate = await help(['master-key', 'rotate']);
    for (const option of ['--key-file <file>', '--batch-size <n>', '--max-batches <n>', '--json']) expect(rotate).toContain(option);
    expect(await help(['master-key', 'status'])).toContain('--json');
  });

  it('names an unknown command or option and points at --help', async () => {
    const unknown = await runInProcess(['keys', 'frobnicate'], NO_RUNTIME);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("error: unknown command 'frobnicate'");
    const option = await runInProcess(['keys', 'list', '--tenant', 'acme', '--colour'], NO_RUNTIME);
    expect(option.code).not.toBe(0);
    expect(option.stderr).toContain("error: unknown option '--colour'");
    expect(option.stderr).toContain('(add --help for usage)');
  });
});
