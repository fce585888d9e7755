/** Seed 000: avatar → Personal Settings → the Access Keys tab (and Security). */
import { Stack, Tabs, Title } from '@mantine/core';
import { IconKey, IconShieldLock } from '@tabler/icons-react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { KeyManager } from '../keys/key-manager';
import { SecurityTab } from './security-tab';

const TABS = ['access-keys', 'security'] as const;

export function PersonalSettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  if (!TABS.includes(tab as (typeof TABS)[number])) return <Navigate to="/settings/access-keys" replace />;
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Personal Settings
      </Title>
      <Tabs value={tab ?? 'access-keys'} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="access-keys" leftSection={<IconKey size={16} aria-hidden />}>
            Access Keys
          </Tabs.Tab>
          <Tabs.Tab value="security" leftSection={<IconShieldLock size={16} aria-hidden />}>
            Security
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="access-keys" pt="md">
          <KeyManager title="Access Keys" newLabel="New" />
        </Tabs.Panel>
        <Tabs.Panel value="security" pt="md">
          <SecurityTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
