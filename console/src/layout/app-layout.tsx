import { AppShell, Avatar, Burger, Group, Menu, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBell,
  IconBook,
  IconFileText,
  IconKey,
  IconLogout,
  IconShieldLock,
  IconUsers,
  IconUsersGroup,
  IconId,
  IconAdjustments,
  IconUserShield,
  IconSettings,
  IconChartBar,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useSignOutAndLeave } from '../session/sign-out';
import { useSession } from '../api/queries';
import { Loading } from '../ui/loading';
import { NotificationBell } from './notification-bell';

export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s._@-]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

function UserMenu() {
  const me = useSession();
  const navigate = useNavigate();
  const signOut = useSignOutAndLeave();
  return (
    <Menu position="bottom-start" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`User menu for ${me.user.name}`}>
          <Avatar color="blue" radius="xl" size={36}>
            {initials(me.user.name)}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate>
            {me.user.name}
          </Text>
          <Text size="xs" truncate>
            {me.user.email}
          </Text>
          <Text size="xs" truncate>
            {me.user.role === 'admin' ? 'Administrator' : 'Member'} · {me.tenant.name}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconSettings size={16} aria-hidden />} onClick={() => navigate('/settings/access-keys')}>
          Personal Settings
        </Menu.Item>
        <Menu.Item leftSection={<IconShieldLock size={16} aria-hidden />} onClick={() => navigate('/settings/security')}>
          Security
        </Menu.Item>
        <Menu.Item leftSection={<IconBell size={16} aria-hidden />} onClick={() => navigate('/notifications')}>
          Notifications
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={signOut}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

interface NavItem {
  to: string;
  label: string;
  icon: typeof IconKey;
  match: string;
}

const MEMBER_NAV: NavItem[] = [{ to: '/settings/access-keys', label: 'My access keys', icon: IconKey, match: '/settings' }];
const ADMIN_NAV: { section: string; items: NavItem[] }[] = [
  {
    section: 'User access',
    items: [
      { to: '/access/users-and-keys/users', label: 'Users and keys', icon: IconUsers, match: '/access/users' },
      { to: '/access/roles', label: 'Roles', icon: IconUserShield, match: '/access/roles' },
      { to: '/access/groups', label: 'Groups', icon: IconUsersGroup, match: '/access/groups' },
      { to: '/access/identities', label: 'Identities', icon: IconId, match: '/access/identities' },
    ],
  },
  {
    section: 'Tenant',
    items: [
      { to: '/usage', label: 'Usage', icon: IconChartBar, match: '/usage' },
      { to: '/policy', label: 'Policy', icon: IconAdjustments, match: '/policy' },
      { to: '/audit', label: 'Audit log', icon: IconFileText, match: '/audit' },
    ],
  },
];

export function AppLayout() {
  const me = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const link = (item: NavItem) => (
    <NavLink key={item.to} component={Link} to={item.to} label={item.label} leftSection={<item.icon size={18} aria-hidden />} active={location.pathname.startsWith(item.match)} onClick={close} />
  );
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <UserMenu />
            <Text fw={700} size="lg">
              Latchkey
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="xs" truncate maw={220}>
              {me.tenant.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {MEMBER_NAV.map(link)}
          {me.user.role === 'admin' &&
            ADMIN_NAV.map((group) => (
              <div key={group.section}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                  {group.section}
                </Text>
                {group.items.map(link)}
              </div>
            ))}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
            Developers
          </Text>
          <NavLink component="a" href="/docs" label="API reference" leftSection={<IconBook size={18} aria-hidden />} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
