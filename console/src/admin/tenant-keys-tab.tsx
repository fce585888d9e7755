/**
 * Seed 001's Access keys tab: every key of the tenant, filtered on the server by user, state,
 * type and "expiring soon"; "Add key" leads into the Key details pane, where the secret is
 * copied once and groups and roles are assigned.
 */
import { Button, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useUser, type KeyFilters } from '../api/queries';
import type { IssuedAccessKey, KeyState, KeyType, User } from '../api/wire';
import { CreateKeyModal } from '../keys/create-key-modal';
import { KeyActionsProvider } from '../keys/key-actions';
import { KeyDetailsDrawer } from '../keys/key-details';
import { KeySearchBox, useUrlFilters } from '../keys/key-search';
import { KeyTable, useKeyPane } from '../keys/key-table';
import { UserPicker } from '../ui/user-picker';
import { currentOpener, returnFocus } from '../ui/focus-return';

export function TenantKeysTab() {
  const pane = useKeyPane();
  // Every filter and the search live in the URL: a reload, a link and Back keep them.
  const url = useUrlFilters(['user', 'state', 'type', 'expiring', 'q'] as const);
  const userId = url.values.user;
  const picked = useUser(userId);
  const user: User | null = userId === null ? null : (picked.data ?? null);
  const state = (['enabled', 'disabled', 'deleted'].includes(url.values.state ?? '') ? url.values.state : null) as KeyState | null;
  const type = (['access', 'api'].includes(url.values.type ?? '') ? url.values.type : null) as KeyType | null;
  const expiring = ['7', '30', '90'].includes(url.values.expiring ?? '') ? url.values.expiring : null;
  const search = url.values.q ?? '';
  const [adding, setAdding] = useState(false);
  const [issued, setIssued] = useState<IssuedAccessKey | null>(null);
  // "Create" gets the focus back when its form, or the pane with the new secret, closes.
  const opener = useRef<HTMLElement | null>(null);

  const filters: KeyFilters = {
    ...(userId !== null && { userId }),
    ...(state && { state }),
    ...(type && { type }),
    ...(expiring && { expiringWithinDays: Number(expiring) }),
    ...(search !== '' && { q: search }),
  };
  const filtered = Object.keys(filters).length > 0;

  return (
    <KeyActionsProvider>
      <Stack gap="md">
        <KeySearchBox value={search} onChange={(q) => url.set('q', q)} />
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" style={{ flex: 1, minWidth: 0 }}>
            <UserPicker label="User" placeholder="Any user" value={user} onChange={(u) => url.set('user', u?.id ?? null)} />
            <Select
              label="State"
              placeholder="Any state"
              clearable
              data={[
                { value: 'enabled', label: 'Enabled' },
                { value: 'disabled', label: 'Disabled' },
                { value: 'deleted', label: 'Deleted' },
              ]}
              value={state}
              onChange={(v) => url.set('state', v)}
            />
            <Select
              label="Type"
              placeholder="Any type"
              clearable
              data={[
                { value: 'access', label: 'Access' },
                { value: 'api', label: 'API' },
              ]}
              value={type}
              onChange={(v) => url.set('type', v)}
            />
            <Select
              label="Expiring soon"
              placeholder="Any expiry"
              clearable
              data={[
                { value: '7', label: 'Within 7 days' },
                { value: '30', label: 'Within 30 days' },
                { value: '90', label: 'Within 90 days' },
              ]}
              value={expiring}
              onChange={(v) => url.set('expiring', v)}
            />
          </SimpleGrid>
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => {
              opener.current = currentOpener();
              setAdding(true);
            }}
          >
            Add key
          </Button>
        </Group>
        <KeyTable
          variant="tenant"
          label="Access keys of the tenant"
          filters={filters}
          empty={
            <Text size="sm" c="dimmed" ta="center" py="md">
              {search !== ''
                ? `No key matches “${search}”${Object.keys(filters).length > 1 ? ' with these filters' : ''}.`
                : filtered
                  ? 'No key matches these filters.'
                  : 'No access keys in this tenant yet. Add one.'}
            </Text>
          }
        />
      </Stack>
      <CreateKeyModal
        opened={adding}
        onClose={() => {
          setAdding(false);
          returnFocus(opener.current);
        }}
        title="Add key"
        confirmLabel="Confirm"
        chooseOwner
        onCreated={(key) => {
          setAdding(false);
          setIssued(key);
          pane.open(key.accessKeyId);
        }}
      />
      <KeyDetailsDrawer
        showOwner
        issued={issued}
        onIssuedClosed={() => {
          setIssued(null);
          returnFocus(opener.current);
        }}
      />
    </KeyActionsProvider>
  );
}
