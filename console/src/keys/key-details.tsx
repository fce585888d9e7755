/**
 * The key details pane, on the right (seed 001's "Key details pane", seed 003's "Key Access
 * Records page on the right"): rename, expiry, assignments, effective permissions and the
 * access records, plus the key's actions.
 */
import { Alert, Badge, Button, Code, Divider, Drawer, Group, MultiSelect, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconLink } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRevealKey, useUpdateKey } from '../api/mutations';
import { invalidateKeys, useAccessRecords, useGroups, useKey, useKeyPermissions, useRoles, useSession, useUser } from '../api/queries';
import type { AccessKey, IssuedAccessKey, IssuedKey, KeyPermissions } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert, errorMessage } from '../ui/error-alert';
import { LoadMore } from '../ui/load-more';
import { Loading } from '../ui/loading';
import { ExpiryInput, expiryFields, isExpiryComplete, type ExpiryChoice } from './expiry';
import { useKeyActions } from './key-actions';
import { ExpiresCell, KeyTypeText, MASK, OwnerCell, StateBadges } from './key-cells';
import { useKeyPane, type KeySection } from './key-table';
import { IssuedSecretFields, SavedSecretCheck } from './issued-key';
import { AddCreditsForm, UsageControlsForm, UsageControlsView } from './usage-controls';
import { Field } from '../ui/field';

// The charts library is large: it loads when a key's pane first opens, not with the console.
const KeyUsage = lazy(() => import('../usage/key-usage').then((m) => ({ default: m.KeyUsage })));

function Section({ id, title, children }: { id: KeySection; title: string; children: ReactNode }) {
  return (
    <section id={`key-section-${id}`} aria-labelledby={`key-section-${id}-title`}>
      <Title order={4} id={`key-section-${id}-title`} mb="xs">
        {title}
      </Title>
      {children}
    </section>
  );
}

function useSave(accessKey: AccessKey) {
  const update = useUpdateKey(accessKey.accessKeyId);
  const save = (patch: Parameters<typeof update.mutate>[0], message: string) => update.mutate(patch, { onSuccess: () => notifications.show({ message, color: 'teal' }) });
  return { busy: update.isPending, error: update.error, save };
}

function RenameForm({ accessKey }: { accessKey: AccessKey }) {
  const [name, setName] = useState(accessKey.name);
  const { busy, error, save } = useSave(accessKey);
  useEffect(() => setName(accessKey.name), [accessKey.name]);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save({ name: name.trim() }, 'The key was renamed.');
      }}
    >
      <Group align="flex-end" gap="sm">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} style={{ flex: 1 }} />
        <Button type="submit" variant="light" loading={busy} disabled={name.trim() === '' || name.trim() === accessKey.name}>
          Rename
        </Button>
      </Group>
      {error !== null && <ErrorAlert error={error} title="Not renamed" />}
    </form>
  );
}

function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function ExpiryForm({ accessKey }: { accessKey: AccessKey }) {
  const me = useSession();
  const initial: ExpiryChoice = accessKey.expiresAt === null ? { kind: 'never' } : { kind: 'date', date: localDay(accessKey.expiresAt) };
  const [choice, setChoice] = useState<ExpiryChoice>(initial);
  const { busy, error, save } = useSave(accessKey);
  const reminder = me.policy.expiryReminderDays;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save(expiryFields(choice), 'The expiry was changed.');
      }}
    >
      <Stack gap="xs">
        <Text size="sm">
          Expires: <ExpiresCell accessKey={accessKey} />
        </Text>
        <ExpiryInput value={choice} onChange={setChoice} policy={me.policy} label="New expiry" />
        {typeof reminder === 'number' && reminder > 0 && (
          <Text size="xs" c="dimmed">
            The tenant's administrators, the key's creator and its owner are notified {reminder} day{reminder === 1 ? '' : 's'} before it expires.
          </Text>
        )}
        {error !== null && <ErrorAlert error={error} title="The expiry was not changed" />}
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={busy} disabled={!isExpiryComplete(choice) || JSON.stringify(choice) === JSON.stringify(initial)}>
            Modify expiry
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AssignmentsForm({ accessKey }: { accessKey: AccessKey }) {
  const roles = useRoles();
  const groups = useGroups();
  const [roleIds, setRoleIds] = useState(accessKey.roleIds);
  const [groupIds, setGroupIds] = useState(accessKey.groupIds);
  const { busy, error, save } = useSave(accessKey);
  useEffect(() => {
    setRoleIds(accessKey.roleIds);
    setGroupIds(accessKey.groupIds);
  }, [accessKey.roleIds, accessKey.groupIds]);
  if (roles.isPending || groups.isPending) return <Loading label="Loading roles and groups…" />;
  if (roles.isError || groups.isError) return <ErrorAlert error={roles.error ?? groups.error} title="Roles and groups could not be loaded" />;
  const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  const unchanged = same(roleIds, accessKey.roleIds) && same(groupIds, accessKey.groupIds);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save({ roleIds, groupIds }, 'Assignments saved.');
      }}
    >
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          With no roles or groups the key acts with all of its owner's permissions. Assigning narrows it to what they grant (never beyond the owner's).
        </Text>
        <MultiSelect
          label="User groups"
          placeholder={groups.data.length === 0 ? 'No groups yet' : 'Select groups'}
          data={groups.data.map((g) => ({ value: g.id, label: g.name }))}
          value={groupIds}
          onChange={setGroupIds}
          searchable
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        <MultiSelect
          label="Roles"
          placeholder={roles.data.length === 0 ? 'No roles yet' : 'Select roles'}
          data={roles.data.map((r) => ({ value: r.id, label: r.name }))}
          value={roleIds}
          onChange={setRoleIds}
          searchable
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        {error !== null && <ErrorAlert error={error} title="Assignments not saved" />}
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={busy} disabled={unchanged}>
            Save assignments
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Why a key may do nothing: its permissions are its roles' grants narrowed to its owner's, so an
 * empty result has one of three causes, said in plain words with the names involved.
 */
function emptyPermissionsReason(perms: KeyPermissions, owner: string, own: boolean): string {
  const holds = own ? 'You hold' : `The owner, ${owner}, holds`;
  if (perms.ownerPermissions.length === 0) {
    return `${holds} no role that grants a permission (directly or through a group), so the key has none to act with. ${own ? 'An administrator can give you' : `Give ${owner}`} a role under User access → Users and keys.`;
  }
  if (perms.keyGrants !== null && perms.keyGrants.length === 0) {
    return "The key's roles and groups grant no permission. Assign a role that grants one, or remove them all so the key acts with its owner's permissions.";
  }
  const asked = (perms.keyGrants ?? []).join(', ');
  return `The key's roles grant ${asked}, but ${own ? 'you hold' : `the owner, ${owner}, holds`} no role that grants ${perms.keyGrants && perms.keyGrants.length > 1 ? 'any of them' : 'it'} (${own ? 'you hold' : 'they hold'} ${perms.ownerPermissions.join(', ')}). A key never goes beyond its owner.`;
}

function Permissions({ accessKey, showOwner }: { accessKey: AccessKey; showOwner: boolean }) {
  const perms = useKeyPermissions(accessKey.accessKeyId);
  const owner = useUser(showOwner ? accessKey.ownerId : null);
  if (perms.isPending) return <Loading label="Loading permissions…" />;
  if (perms.isError) return <ErrorAlert error={perms.error} title="Permissions could not be loaded" />;
  const ownerName = owner.data ? owner.data.name || owner.data.email : 'this user';
  return (
    <Stack gap="xs">
      <Text size="sm">{perms.data.actsAsOwner ? "This key acts with its owner's permissions." : "This key is narrowed to its roles and groups, within its owner's permissions."}</Text>
      {perms.data.permissions.length === 0 ? (
        <Alert color="orange" variant="light" title="No permissions: every request that asks for a permission is refused">
          <Text size="sm">{emptyPermissionsReason(perms.data, ownerName, !showOwner)}</Text>
        </Alert>
      ) : (
        <Group gap={6} aria-label="Effective permissions" role="list">
          {perms.data.permissions.map((p) => (
            <Badge key={p} variant="outline" color="gray" tt="none" role="listitem">
              {p}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}

function AccessRecords({ accessKey }: { accessKey: AccessKey }) {
  const me = useSession();
  const records = useAccessRecords(accessKey.accessKeyId);
  const days = me.policy.accessRecordRetentionDays;
  return (
    <Stack gap="xs">
      <Text size="sm">
        Last Access Time: <DateTime value={accessKey.lastUsedAt} empty="never used" />
      </Text>
      <Text size="xs" c="dimmed">
        The latest {20} attempts from the past {days} days, successful and failed, newest first. Every request that named this key is recorded, whatever its outcome.
      </Text>
      {records.isPending && <Loading label="Loading access records…" />}
      {records.isError && <ErrorAlert error={records.error} title="Access records could not be loaded" onRetry={() => void records.refetch()} />}
      {records.data &&
        (records.data.pages[0]?.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No access records in the past {days} days.
          </Text>
        ) : (
          <>
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing={4} fz="xs" aria-label="Key access records">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Result</Table.Th>
                    <Table.Th>Reason</Table.Th>
                    <Table.Th>Source IP</Table.Th>
                    <Table.Th>Scheme</Table.Th>
                    <Table.Th>Permission</Table.Th>
                    <Table.Th>Client</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {records.data.pages
                    .flatMap((p) => p.items)
                    .map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td>
                          <DateTime value={r.at} />
                        </Table.Td>
                        <Table.Td>
                          <Text span size="xs" fw={700} c={r.outcome === 'success' ? 'teal.8' : 'red.8'}>
                            {r.outcome === 'success' ? 'Success' : 'Failure'}
                          </Text>
                        </Table.Td>
                        <Table.Td>{r.code ?? '—'}</Table.Td>
                        <Table.Td>{r.sourceIp ?? '—'}</Table.Td>
                        <Table.Td>{r.scheme}</Table.Td>
                        <Table.Td>{r.permission ?? '—'}</Table.Td>
                        <Table.Td>
                          <Text size="xs" truncate maw={180} title={r.userAgent ?? undefined}>
                            {r.userAgent ?? '—'}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMore hasMore={records.hasNextPage} loading={records.isFetchingNextPage} onClick={() => void records.fetchNextPage()} />
          </>
        ))}
    </Stack>
  );
}

/** Seed 001's copy format; the secret only when it is on hand (just issued, or revealed). */
function CopyDetails({ accessKey, issued }: { accessKey: AccessKey; issued: IssuedKey | null }) {
  const me = useSession();
  const reveal = useRevealKey();
  const canReveal = me.policy.secretReveal === 'after-step-up' && accessKey.state !== 'deleted';
  const copy = useMutation({
    mutationFn: async () => {
      let text = `key:${accessKey.accessKeyId}::${MASK},tenant id: ${accessKey.tenantId}`;
      if (issued) text = issued.copyText;
      else if (canReveal) text = (await reveal.mutateAsync(accessKey.accessKeyId)).copyText;
      await navigator.clipboard.writeText(text);
    },
    onSuccess: () =>
      notifications.show({
        message: issued || canReveal ? 'Key details copied (access key, secret key and tenant ID).' : 'Key details copied. The secret key is masked: it was shown only when it was generated.',
        color: 'teal',
      }),
    onError: (e) => notifications.show({ message: `Nothing was copied: ${errorMessage(e)}`, color: 'red' }),
  });
  return (
    <Button variant="light" onClick={() => copy.mutate()} loading={copy.isPending}>
      Copy key details
    </Button>
  );
}

/** The pane's own address (?key=…): what "Copy link" puts on the clipboard, to share or bookmark. */
export function keyLink(accessKeyId: string): string {
  return `${window.location.origin}${window.location.pathname}?key=${encodeURIComponent(accessKeyId)}`;
}

function CopyLink({ accessKey }: { accessKey: AccessKey }) {
  const copy = useMutation({
    mutationFn: () => navigator.clipboard.writeText(keyLink(accessKey.accessKeyId)),
    onSuccess: () => notifications.show({ message: 'Link to this key copied. It opens these details for whoever may see the key.', color: 'teal' }),
    onError: (e) => notifications.show({ message: `Nothing was copied: ${errorMessage(e)}`, color: 'red' }),
  });
  return (
    <Button variant="default" leftSection={<IconLink size={16} aria-hidden />} onClick={() => copy.mutate()} title={keyLink(accessKey.accessKeyId)}>
      Copy link
    </Button>
  );
}

/** During a rotation's overlap: until when the old secret works, when the key was last used, and a way to end it now. */
function OverlapNotice({ accessKey }: { accessKey: AccessKey }) {
  const actions = useKeyActions();
  const until = accessKey.previousSecretExpiresAt;
  if (until === null || Date.parse(until) <= Date.now()) return null;
  return (
    <Alert color="yellow" variant="light" title="Old secret still works">
      <Stack gap={6} role="region" aria-label="Secret overlap">
        <Text size="sm">
          Old secret valid until <DateTime value={until} />. Last used: <DateTime value={accessKey.lastUsedAt} empty="never" /> (by either secret).
        </Text>
        <Group>
          <Button size="xs" variant="light" color="orange" onClick={() => actions.run('end-overlap', accessKey)}>
            End overlap now
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function KeyPaneActions({ accessKey }: { accessKey: AccessKey }) {
  const actions = useKeyActions();
  if (accessKey.state === 'deleted') return null;
  return (
    <>
      <Button variant="light" onClick={() => actions.run('rotate', accessKey)}>
        Generate new secret key
      </Button>
      <Button variant="light" onClick={() => actions.run('regenerate', accessKey)}>
        Regenerate
      </Button>
      {accessKey.state === 'enabled' ? (
        <Button variant="light" color="gray" onClick={() => actions.run('disable', accessKey)}>
          Mark as inactive
        </Button>
      ) : (
        <Button variant="light" color="teal" onClick={() => actions.run('enable', accessKey)}>
          Mark as active
        </Button>
      )}
      <Button variant="light" color="red" onClick={() => actions.run('delete', accessKey)}>
        Delete
      </Button>
    </>
  );
}

/** Rate limits, credits, IP allowlist, metadata and externalId: administrators edit them, members read them. */
function UsageControls({ accessKey }: { accessKey: AccessKey }) {
  const me = useSession();
  const client = useQueryClient();
  if (me.user.role !== 'admin') return <UsageControlsView accessKey={accessKey} />;
  // Saved on the server (here or elsewhere, an added credit too): the form starts again from there.
  const saved = JSON.stringify([accessKey.ratelimits, accessKey.credits, accessKey.ipAllowlist, accessKey.meta, accessKey.externalId]);
  return (
    <Stack gap="lg">
      <UsageControlsForm key={saved} accessKey={accessKey} />
      <AddCreditsForm
        path={`/v1/access-keys/${encodeURIComponent(accessKey.accessKeyId)}/credits`}
        hasCredits={accessKey.credits !== null}
        onChanged={() => void invalidateKeys(client, accessKey.accessKeyId)}
      />
    </Stack>
  );
}

function KeyPaneBody({ accessKey, issued, showOwner }: { accessKey: AccessKey; issued: IssuedKey | null; showOwner: boolean }) {
  const pane = useKeyPane();
  const deleted = accessKey.state === 'deleted';
  const sections: { id: KeySection; title: string; body: ReactNode }[] = [
    ...(deleted
      ? []
      : [
          { id: 'details' as const, title: 'Name', body: <RenameForm accessKey={accessKey} /> },
          { id: 'expiry' as const, title: 'Expiry', body: <ExpiryForm key={accessKey.expiresAt ?? 'never'} accessKey={accessKey} /> },
          { id: 'assignments' as const, title: 'Assignments', body: <AssignmentsForm accessKey={accessKey} /> },
          { id: 'controls' as const, title: 'Usage controls', body: <UsageControls accessKey={accessKey} /> },
        ]),
    {
      id: 'usage',
      title: 'Verifications',
      body: (
        <Suspense fallback={<Loading label="Loading verifications…" />}>
          <KeyUsage accessKey={accessKey} />
        </Suspense>
      ),
    },
    { id: 'permissions', title: 'Effective permissions', body: <Permissions accessKey={accessKey} showOwner={showOwner} /> },
    { id: 'records', title: 'Key Access Records', body: <AccessRecords accessKey={accessKey} /> },
  ];
  // Opened for one section ("More Access Records", "View permissions"): that section comes first.
  const asked = sections.findIndex((s) => s.id === pane.section);
  if (asked > 0) sections.unshift(...sections.splice(asked, 1));
  return (
    <Stack gap="lg">
      {issued && <IssuedSecretFields issued={issued} />}
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Field label="Access Key ID">
          <Code>{accessKey.accessKeyId}</Code>
        </Field>
        <Field label="State">
          <StateBadges accessKey={accessKey} />
        </Field>
        <Field label="Key type">
          <KeyTypeText accessKey={accessKey} />
        </Field>
        {showOwner && (
          <Field label="Owner">
            <OwnerCell userId={accessKey.ownerId} />
          </Field>
        )}
        <Field label="Created At">
          <DateTime value={accessKey.createdAt} />
        </Field>
        <Field label="Expires">
          <ExpiresCell accessKey={accessKey} />
        </Field>
        <Field label="Last Used">
          <DateTime value={accessKey.lastUsedAt} empty="Never used" />
        </Field>
        {deleted && (
          <Field label="Deleted At">
            <DateTime value={accessKey.deletedAt} />
          </Field>
        )}
      </SimpleGrid>
      {!deleted && <OverlapNotice accessKey={accessKey} />}
      {accessKey.leak && !deleted && <LeakAlert leak={accessKey.leak} />}
      <Group gap="xs" aria-label="Key actions" role="group">
        <CopyDetails accessKey={accessKey} issued={issued} />
        <CopyLink accessKey={accessKey} />
        <KeyPaneActions accessKey={accessKey} />
      </Group>
      {deleted && (
        <Alert color="gray" variant="light">
          This key is deleted: it can no longer be used or changed.
        </Alert>
      )}
      {sections.map((section) => (
        <Stack key={section.id} gap="lg">
          <Divider />
          <Section id={section.id} title={section.title}>
            {section.body}
          </Section>
        </Stack>
      ))}
    </Stack>
  );
}

export function KeyDetailsDrawer({ issued, onIssuedClosed, showOwner = false }: { issued?: IssuedAccessKey | null; onIssuedClosed?: () => void; showOwner?: boolean }) {
  const pane = useKeyPane();
  const key = useKey(pane.keyId);
  const narrow = useMediaQuery('(max-width: 48em)');
  const [confirming, setConfirming] = useState(false);
  const secret = issued && issued.accessKeyId === pane.keyId ? issued : null;
  const close = () => {
    if (secret && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    if (secret) onIssuedClosed?.();
    pane.close();
  };
  return (
    <Drawer
      opened={pane.keyId !== null}
      onClose={close}
      position="right"
      size={narrow ? '100%' : 'xl'}
      title={confirming ? 'Close without the secret?' : key.data ? `Key details: ${key.data.name}` : 'Key details'}
      closeButtonProps={{ 'aria-label': 'Close key details' }}
      // A long name without spaces (up to the API's 100 characters) wraps; the close button stays put.
      styles={{ title: { minWidth: 0, overflowWrap: 'anywhere' }, close: { flexShrink: 0 } }}
      closeOnClickOutside={!secret}
    >
      {confirming ? (
        <SavedSecretCheck onBack={() => setConfirming(false)} onClose={close} />
      ) : (
        <>
          {key.isPending && <Loading label="Loading the key…" />}
          {key.isError && <ErrorAlert error={key.error} title="The key could not be loaded" onRetry={() => void key.refetch()} />}
          {key.data && <KeyPaneBody accessKey={key.data} issued={secret} showOwner={showOwner} />}
          <Group justify="flex-end" mt="lg">
            <Button variant="default" onClick={close}>
              Close
            </Button>
          </Group>
        </>
      )}
    </Drawer>
  );
}

/** Where the key's token was reported found (never the token), what the report did, and what to do now. */
function LeakAlert({ leak }: { leak: NonNullable<AccessKey['leak']> }) {
  const by = leak.reportedBy === 'holder' ? 'Revoked by someone holding its token' : 'Reported found by a secret scanner';
  const where = leak.url ? ` at ${leak.url}` : '';
  const source = leak.source ? ` (${leak.source})` : '';
  return (
    <Alert color="red" variant="light" title="This key's token leaked">
      <Text size="sm">
        {by}
        {where}
        {source} on <DateTime value={leak.reportedAt} />. {leak.action === 'disabled' ? 'The key was disabled.' : 'The key was only flagged (tenant policy): if it is enabled it still works.'}{' '}
        Rotate or delete it, and remove the token from where it was found.
      </Text>
    </Alert>
  );
}
