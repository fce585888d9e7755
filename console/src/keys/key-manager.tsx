/**
 * One person's keys: the table with New at its top right (disabled, with the reason, when the
 * quota is reached or programmatic access is missing), the "Generate New Key" empty state of
 * seed 004, the one-time dialog and the details pane.
 */
import { Button, Code, EmptyState, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useKeyQuota, useSession } from '../api/queries';
import type { IssuedAccessKey, KeyState, User } from '../api/wire';
import { currentOpener, returnFocus } from '../ui/focus-return';
import { CreateKeyModal } from './create-key-modal';
import { IssuedKeyModal } from './issued-key';
import { KeyActionsProvider } from './key-actions';
import { KeyDetailsDrawer } from './key-details';
import { KeySearchBox, useUrlFilters } from './key-search';
import { KeyTable } from './key-table';

export interface KeyManagerProps {
  /** Whose keys: the signed-in user when absent. */
  owner?: User;
  title: string;
  newLabel: string;
}

export function KeyManager({ owner, title, newLabel }: KeyManagerProps) {
  const me = useSession();
  const self = owner === undefined || owner.id === me.user.id;
  const subject = owner ?? me.user;
  // Counted by the server, whatever the number (the signed-in user's own comes with /v1/me).
  const quota = useKeyQuota(subject.id, !self);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedAccessKey | null>(null);
  // The filter and the search live in the URL: a reload, a link and Back keep them.
  const url = useUrlFilters(['state', 'q'] as const);
  const state = (['enabled', 'disabled', 'deleted'].includes(url.values.state ?? '') ? url.values.state : 'all') as KeyState | 'all';
  const search = url.values.q ?? '';
  // New (or "Generate New Key") gets the focus back once the form or the one-time secret closes.
  const opener = useRef<HTMLElement | null>(null);
  const newRef = useRef<HTMLButtonElement>(null);
  const giveFocusBack = () => returnFocus(opener.current, () => newRef.current);

  const limit = self ? me.keyLimit : (quota.data?.keyLimit ?? (subject.role === 'admin' ? me.policy.adminKeyLimit : me.policy.memberKeyLimit));
  const count = self ? me.keyCount : (quota.data?.keyCount ?? null);
  const reached = limit !== null && count !== null && count >= limit;
  const noAccess = subject.role === 'member' && !subject.programmaticAccess;
  const reason = noAccess
    ? self
      ? 'You do not have programmatic access: an administrator must grant it before you can hold access keys.'
      : `${subject.name} does not have programmatic access; grant it on the Overview tab first.`
    : reached
      ? self
        ? `You hold ${count} of the ${limit} access keys the tenant policy allows. Delete a key to create a new one.`
        : `${subject.name} holds ${count} of the ${limit} access keys the tenant policy allows.`
      : null;
  const quotaText = limit === null ? (count === null ? '' : `${count} key${count === 1 ? '' : 's'}`) : count === null ? `Up to ${limit} keys` : `${count} of ${limit} keys`;
  const hasLiveKeys = count === null || count > 0;

  const newButton = (label: string, ref?: typeof newRef) => (
    <Button
      ref={ref}
      leftSection={<IconPlus size={16} aria-hidden />}
      onClick={() => {
        opener.current = currentOpener();
        setCreating(true);
      }}
      disabled={reason !== null}
      aria-describedby={reason ? 'new-key-reason' : undefined}
    >
      {label}
    </Button>
  );

  return (
    <KeyActionsProvider>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Title order={2} size="h3">
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {quotaText}
            </Text>
          </div>
          {newButton(newLabel, newRef)}
        </Group>
        {reason && (
          <Text size="sm" c="orange.8" id="new-key-reason" role="note">
            {reason}
          </Text>
        )}
        {/* The filter first; then the keys, or (seed 004) only "Generate New Key" once no key is
            left: deleted keys are not listed under it, they are one explicit filter away. */}
        <Group justify="space-between" wrap="wrap" gap="sm">
          <KeySearchBox value={search} onChange={(q) => url.set('q', q)} />
          <SegmentedControl
            size="xs"
            value={state}
            onChange={(v) => url.set('state', v === 'all' ? null : v)}
            aria-label="Show keys by state"
            data={[
              { value: 'all', label: 'All' },
              { value: 'enabled', label: 'Enabled' },
              { value: 'disabled', label: 'Disabled' },
              { value: 'deleted', label: 'Deleted' },
            ]}
          />
        </Group>
        {!hasLiveKeys && state === 'all' && search === '' ? (
          <EmptyState
            icon={<IconKey size={28} aria-hidden />}
            title={self ? 'You have no access keys' : `${subject.name} has no access keys`}
            description="An access key lets a program call APIs as its owner: an ID like a user name and a secret like a password. Deleted keys are listed under Deleted."
          >
            <EmptyState.Actions>{newButton('Generate New Key')}</EmptyState.Actions>
          </EmptyState>
        ) : (
          <KeyTable
            variant="own"
            label={self ? 'My access keys' : `Access keys of ${subject.name}`}
            filters={{ userId: subject.id, ...(state !== 'all' && { state }), ...(search !== '' && { q: search }) }}
            empty={
              <Text size="sm" c="dimmed" ta="center" py="md">
                {search !== '' ? `No ${state === 'all' ? '' : `${state} `}key matches “${search}”.` : state === 'all' ? 'No keys yet.' : `No ${state} keys.`}
              </Text>
            }
          />
        )}
      </Stack>
      <CreateKeyModal
        opened={creating}
        onClose={() => {
          setCreating(false);
          giveFocusBack();
        }}
        title={self ? 'New access key' : `Create a key for ${subject.name}`}
        {...(!self && { owner: subject })}
        onCreated={(key) => {
          setCreating(false);
          setIssued(key);
        }}
      />
      <IssuedKeyModal
        issued={issued}
        title="Access key created"
        intro={
          issued && (
            <Text size="sm">
              The key <Code>{issued.accessKeyId}</Code> is ready{self ? '' : ` for ${subject.name}`}. Keep the ID and the secret well: give them only to the program that needs them.
            </Text>
          )
        }
        onClose={() => {
          setIssued(null);
          giveFocusBack();
        }}
      />
      <KeyDetailsDrawer showOwner={!self} />
    </KeyActionsProvider>
  );
}
