/** Seed 003: a user's details page, with the API Keys tab where an admin creates keys for them. */
import { Anchor, Badge, Breadcrumbs, Button, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useResetUserTotp, useUpdateUser } from '../api/mutations';
import { useGroups, useRoles, useSession, useUser } from '../api/queries';
import type { User } from '../api/wire';
import { KeyManager } from '../keys/key-manager';
import { ConfirmModal } from '../ui/confirm-modal';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';
import { PasswordResetAction } from './password-reset';
import { ProgrammaticAccessSwitch, UserStatusDialog } from './user-actions';

function Overview({ user }: { user: User }) {
  const me = useSession();
  const change = useUpdateUser();
  const resetTotp = useResetUserTotp();
  const roles = useRoles();
  const groups = useGroups();
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [roleIds, setRoleIds] = useState(user.roleIds);
  const [statusOpen, setStatusOpen] = useState(false);
  const [resetOpen, setResetOpen] = useState(false);
  useEffect(() => {
    setName(user.name);
    setEmail(user.email);
    setRoleIds(user.roleIds);
  }, [user.name, user.email, user.roleIds]);
  const update = (patch: Parameters<typeof change.mutate>[0]['patch'], message: string) => change.mutate({ user, patch }, { onSuccess: () => notifications.show({ message, color: 'teal' }) });
  const groupNames = (groups.data ?? []).filter((g) => user.groupIds.includes(g.id));
  const self = user.id === me.user.id;
  return (
    <Stack gap="lg" maw={760}>
      {change.error !== null && <ErrorAlert error={change.error} title="The change was not saved" />}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            update({ name: name.trim() }, 'Name saved.');
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Name"
              value={name}
              onChange={(e) => {
                // The last refusal is about what was sent: it goes once the field is edited.
                change.reset();
                setName(e.currentTarget.value);
              }}
              maxLength={100}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="light" disabled={name.trim() === '' || name.trim() === user.name} aria-label="Save name">
              Save
            </Button>
          </Group>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            update({ email: email.trim() }, `${user.name} now signs in as ${email.trim().toLowerCase()}.`);
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Email"
              description="The address they sign in with and get mail at."
              type="email"
              value={email}
              onChange={(e) => {
                change.reset();
                setEmail(e.currentTarget.value);
              }}
              maxLength={254}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="light" disabled={email.trim() === '' || email.trim().toLowerCase() === user.email} aria-label="Save email">
              Save
            </Button>
          </Group>
        </form>
        <Select
          label="Role"
          data={[
            { value: 'member', label: 'Member' },
            { value: 'admin', label: 'Administrator' },
          ]}
          value={user.role}
          allowDeselect={false}
          onChange={(v) => v && v !== user.role && update({ role: v as User['role'] }, `${user.name} is now ${v === 'admin' ? 'an administrator' : 'a member'}.`)}
        />
      </SimpleGrid>
      <ProgrammaticAccessSwitch user={user} withLabel />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          update({ roleIds }, 'Roles saved.');
        }}
      >
        <Group align="flex-end" gap="sm">
          <MultiSelect
            label="Roles"
            description="Permissions the user holds directly (groups add more)."
            data={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            value={roleIds}
            onChange={setRoleIds}
            searchable
            clearable
            style={{ flex: 1 }}
            placeholder={roles.isPending ? 'Loading roles…' : 'Select roles'}
            comboboxProps={{ withinPortal: true }}
          />
          <Button type="submit" variant="light" disabled={[...roleIds].sort().join() === [...user.roleIds].sort().join()}>
            Save roles
          </Button>
        </Group>
      </form>
      <div>
        <Text size="sm" fw={500}>
          Groups
        </Text>
        {groupNames.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not in any group. Add members on the{' '}
            <Anchor component={Link} to="/access/groups">
              Groups
            </Anchor>{' '}
            page.
          </Text>
        ) : (
          <Group gap={6}>
            {groupNames.map((g) => (
              <Badge key={g.id} variant="outline" tt="none">
                {g.name}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Text size="sm">
            Status:{' '}
            <Badge variant="light" color={user.status === 'active' ? 'teal' : 'gray'}>
              {user.status === 'active' ? 'Active' : 'Disabled'}
            </Badge>{' '}
            · created <DateTime value={user.createdAt} />
          </Text>
          <Group gap="sm">
            <Button variant="light" color={user.status === 'active' ? 'red' : 'teal'} onClick={() => setStatusOpen(true)} disabled={self}>
              {user.status === 'active' ? 'Disable user' : 'Enable user'}
            </Button>
            {!self && <PasswordResetAction user={user} />}
            {user.totpEnabled && (
              <Button variant="light" color="orange" onClick={() => setResetOpen(true)}>
                Reset authenticator app
              </Button>
            )}
          </Group>
          {self && (
            <Text size="xs" c="dimmed">
              You cannot disable yourself.
            </Text>
          )}
        </Stack>
      </Paper>
      <UserStatusDialog user={statusOpen ? user : null} onClose={() => setStatusOpen(false)} />
      <ConfirmModal
        opened={resetOpen}
        title="Reset the authenticator app?"
        confirmLabel="Reset"
        onClose={() => setResetOpen(false)}
        onConfirm={async () => {
          await resetTotp.mutateAsync(user.id);
          notifications.show({ message: `${user.name} can sign in without an authenticator code and set up a new app.`, color: 'teal' });
          setResetOpen(false);
        }}
      >
        <Text size="sm">Use this when {user.name} lost their phone. Their sessions end; they sign in again with their password alone and can set up a new authenticator app.</Text>
      </ConfirmModal>
    </Stack>
  );
}

export function UserDetailsPage() {
  const { userId = '', tab = 'overview' } = useParams();
  const navigate = useNavigate();
  const user = useUser(userId);
  const base = `/access/users/${encodeURIComponent(userId)}`;
  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/access/users-and-keys/users" size="sm">
          Users and keys
        </Anchor>
        <Text size="sm">{user.data?.email ?? userId}</Text>
      </Breadcrumbs>
      {user.isPending && <Loading label="Loading the user…" />}
      {user.isError && <ErrorAlert error={user.error} title="The user could not be loaded" onRetry={() => void user.refetch()} />}
      {user.data && (
        <>
          <div>
            <Title order={1} size="h2">
              {user.data.name}
            </Title>
            <Text size="sm" c="dimmed">
              {user.data.email} · {user.data.role === 'admin' ? 'Administrator' : 'Member'}
            </Text>
          </div>
          <Tabs value={tab === 'api-keys' ? 'api-keys' : 'overview'} onChange={(v) => navigate(v === 'api-keys' ? `${base}/api-keys` : base)} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="api-keys">API Keys</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Overview user={user.data} />
            </Tabs.Panel>
            <Tabs.Panel value="api-keys" pt="md">
              <KeyManager owner={user.data} title="API Keys" newLabel="Create Key" />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
