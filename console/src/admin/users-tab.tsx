import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, PasswordInput, Radio, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useCreateUser } from '../api/mutations';
import { useSession, useUserList } from '../api/queries';
import type { User } from '../api/wire';
import { CopyField } from '../ui/copy-field';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { ListState } from '../ui/list-state';
import { LoadMore } from '../ui/load-more';
import { MIN_PASSWORD } from '../pages/password-form';
import { ProgrammaticAccessSwitch, UserStatusDialog } from './user-actions';

function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const me = useSession();
  const create = useCreateUser();
  const { reset } = create;
  const busy = create.isPending;
  // The answer holds the one-time password: shown from the mutation, never cached.
  const created = create.data ?? null;
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [programmatic, setProgrammatic] = useState(false);
  const [passwordMode, setPasswordMode] = useState<'one-time' | 'set'>('one-time');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (!opened) return;
    setEmail('');
    setName('');
    setRole('member');
    setProgrammatic(false);
    setPasswordMode('one-time');
    setPassword('');
    reset();
  }, [opened, reset]);

  const submit = () =>
    create.mutate({
      email: email.trim(),
      ...(name.trim() !== '' && { name: name.trim() }),
      role,
      programmaticAccess: role === 'admin' || programmatic,
      ...(passwordMode === 'set' && { password }),
    });

  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={created ? 'User created' : 'Create user'} size="lg" centered closeOnClickOutside={!created}>
      {created ? (
        <Stack gap="md">
          <Text size="sm">
            <strong>{created.user.name}</strong> can now sign in with tenant <strong>{me.tenant.slug}</strong> and the email {created.user.email}.
          </Text>
          {created.oneTimePassword && (
            <>
              <Alert color="orange" variant="light" title="Give this one-time password to the user">
                It is shown only now. At their first sign-in they must choose their own password.
              </Alert>
              <CopyField label="One-time password" value={created.oneTimePassword} />
            </>
          )}
          <Group justify="flex-end">
            <Button component={Link} to={`/access/users/${encodeURIComponent(created.user.id)}`} variant="light" onClick={onClose}>
              Open the user
            </Button>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack gap="md">
            <TextInput
              label="Email"
              type="email"
              value={email}
              onChange={(e) => {
                // An error about the email (EMAIL_TAKEN) goes once the email is changed.
                create.reset();
                setEmail(e.currentTarget.value);
              }}
              required
              data-autofocus
            />
            <TextInput
              label="Name"
              description="Optional; the part of the email before @ when empty."
              value={name}
              onChange={(e) => {
                create.reset();
                setName(e.currentTarget.value);
              }}
              maxLength={100}
            />
            <Select
              label="Role"
              data={[
                { value: 'member', label: 'Member' },
                { value: 'admin', label: 'Administrator' },
              ]}
              value={role}
              allowDeselect={false}
              onChange={(v) => v && setRole(v as 'member' | 'admin')}
              description={role === 'admin' ? 'Administrators manage users, keys, roles, groups, policy and the audit log of the whole tenant.' : 'Members manage their own keys.'}
            />
            <Checkbox
              label="Programmatic access"
              description="Lets the user hold access keys (administrators always may)."
              checked={role === 'admin' || programmatic}
              disabled={role === 'admin'}
              onChange={(e) => setProgrammatic(e.currentTarget.checked)}
            />
            <Radio.Group label="Password" value={passwordMode} onChange={(v) => setPasswordMode(v as 'one-time' | 'set')}>
              <Stack gap={6} mt={6}>
                <Radio value="one-time" label="Generate a one-time password (the user picks their own at first sign-in)" />
                <Radio value="set" label="Set the password now" />
              </Stack>
            </Radio.Group>
            {passwordMode === 'set' && (
              <PasswordInput
                label="Password"
                description={`At least ${MIN_PASSWORD} characters.`}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                autoComplete="new-password"
              />
            )}
            {create.error !== null && <ErrorAlert error={create.error} title="The user was not created" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={email.trim() === '' || (passwordMode === 'set' && password.length < MIN_PASSWORD)}>
                Create user
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function UserCell({ user: u }: { user: User }) {
  return (
    <div>
      <Anchor component={Link} to={`/access/users/${encodeURIComponent(u.id)}`} size="sm" fw={600}>
        {u.name}
      </Anchor>
      <Text size="xs" c="dimmed">
        {u.email}
      </Text>
    </div>
  );
}

function RoleBadge({ user: u }: { user: User }) {
  return (
    <Badge variant="light" color={u.role === 'admin' ? 'grape' : 'blue'}>
      {u.role === 'admin' ? 'Administrator' : 'Member'}
    </Badge>
  );
}

function StatusBadge({ user: u }: { user: User }) {
  return (
    <div>
      <Badge variant="light" color={u.status === 'active' ? 'teal' : 'gray'}>
        {u.status === 'active' ? 'Active' : 'Disabled'}
      </Badge>
      {u.mustChangePassword && (
        <Text size="xs" c="dimmed">
          One-time password not changed yet
        </Text>
      )}
    </div>
  );
}

function UserRowActions({ user: u, onStatus }: { user: User; onStatus: (u: User) => void }) {
  return (
    <Group gap={4}>
      <Button component={Link} to={`/access/users/${encodeURIComponent(u.id)}/api-keys`} size="compact-xs" variant="light" aria-label={`API keys of ${u.email}`}>
        API Keys
      </Button>
      <Button
        size="compact-xs"
        variant="light"
        color={u.status === 'active' ? 'red' : 'teal'}
        onClick={() => onStatus(u)}
        aria-label={`${u.status === 'active' ? 'Disable' : 'Enable'} ${u.email}`}
      >
        {u.status === 'active' ? 'Disable' : 'Enable'}
      </Button>
    </Group>
  );
}

export function UsersTab() {
  const narrow = useMediaQuery('(max-width: 48em)');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const list = useUserList(debounced);
  const [creating, setCreating] = useState(false);
  const [statusOf, setStatusOf] = useState<User | null>(null);
  const users = list.data?.pages.flatMap((p) => p.items);
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <TextInput
          placeholder="Search by name or email"
          aria-label="Search users"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={{ base: '100%', xs: 320 }}
        />
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Create user
        </Button>
      </Group>
      <ListState query={list} items={users} loading="Loading users…" failed="The users could not be loaded" empty={debounced ? 'No user matches the search.' : 'No users yet.'}>
        {(items) =>
          narrow ? (
            // At phone width each user is a card: name, email, role, access, status and actions all stay.
            <Stack gap="sm" role="list" aria-label="Users">
              {items.map((u) => (
                <Card key={u.id} withBorder padding="sm" role="listitem" aria-label={u.email}>
                  <Stack gap={6}>
                    <UserCell user={u} />
                    <Group gap={6} wrap="wrap">
                      <RoleBadge user={u} />
                      <StatusBadge user={u} />
                    </Group>
                    <ProgrammaticAccessSwitch user={u} />
                    <Text size="xs" c="dimmed">
                      Created <DateTime value={u.createdAt} />
                    </Text>
                    <UserRowActions user={u} onStatus={setStatusOf} />
                  </Stack>
                </Card>
              ))}
            </Stack>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table striped highlightOnHover aria-label="Users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Programmatic access</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Created At</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>
                        <UserCell user={u} />
                      </Table.Td>
                      <Table.Td>
                        <RoleBadge user={u} />
                      </Table.Td>
                      <Table.Td>
                        <ProgrammaticAccessSwitch user={u} />
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge user={u} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <DateTime value={u.createdAt} />
                      </Table.Td>
                      <Table.Td>
                        <UserRowActions user={u} onStatus={setStatusOf} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </ListState>
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} label="Load more users" />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <UserStatusDialog user={statusOf} onClose={() => setStatusOf(null)} />
    </Stack>
  );
}
