/**
 * Seed 001's Access keys tab: every key of the tenant, filtered on the server by user, state,
 * type and "expiring soon"; "Add key" leads into the Key details pane, where the secret is
 * copied once and groups and roles are assigned.
 */
import { Button, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import type { KeyFilters } from '../api/queries';
import type { IssuedAccessKey, KeyState, KeyType, User } from '../api/wire';
import { CreateKeyModal } from '../keys/create-key-modal';
import { KeyActionsProvider } from '../keys/key-actions';
import { KeyDetailsDrawer } from '../keys/key-details';
import { KeyTable, useKeyPane } from '../keys/key-table';
import { UserPicker } from '../ui/user-picker';
import { currentOpener, returnFocus } from '../ui/focus-return';

export function TenantKeysTab() {
  const pane = useKeyPane();
  const [user, setUser] = useState<User | null>(null);
  const [state, setState] = useState<KeyState | null>(null);
  const [type, setType] = useState<KeyType | null>(null);
  const [expiring, setExpiring] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [issued, setIssued] = useState<IssuedAccessKey | null>(null);
  // "Create" gets the focus back when its form, or the pane with the new secret, closes.
  const opener = useRef<HTMLElement | null>(null);

  const filters: KeyFilters = {
    ...(user && { userId: user.id }),
    ...(state && { state }),
    ...(type && { type }),
    ...(expiring && { expiringWithinDays: Number(expiring) }),
  };
  const filtered = Object.keys(filters).length > 0;

  return (
    <KeyActionsProvider>
      <Stack gap="md">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" style={{ flex: 1, minWidth: 0 }}>
            <UserPicker label="User" placeholder="Any user" value={user} onChange={setUser} />
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
              onChange={(v) => setState(v as KeyState | null)}
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
              onChange={(v) => setType(v as KeyType | null)}
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
              onChange={setExpiring}
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
              {filtered ? 'No key matches these filters.' : 'No access keys in this tenant yet. Add one.'}
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
