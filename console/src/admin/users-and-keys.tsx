/** Seed 001: User access → Users and keys, with its Users and Access keys tabs. */
import { Stack, Tabs, Title } from '@mantine/core';
import { IconKey, IconUsers } from '@tabler/icons-react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { TenantKeysTab } from './tenant-keys-tab';
import { UsersTab } from './users-tab';

export function UsersAndKeysPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  if (tab !== 'users' && tab !== 'access-keys') return <Navigate to="/access/users-and-keys/users" replace />;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Users and keys
      </Title>
      <Tabs value={tab} onChange={(v) => v && navigate(`/access/users-and-keys/${v}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users" leftSection={<IconUsers size={16} aria-hidden />}>
            Users
          </Tabs.Tab>
          <Tabs.Tab value="access-keys" leftSection={<IconKey size={16} aria-hidden />}>
            Access keys
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <UsersTab />
        </Tabs.Panel>
        <Tabs.Panel value="access-keys" pt="md">
          <TenantKeysTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
