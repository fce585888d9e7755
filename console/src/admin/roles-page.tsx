/** Roles: named sets of permission strings (storage:read, billing:*). */
import { Badge, Button, Group, Modal, Stack, Table, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useRoles } from '../api/queries';
import type { Role } from '../api/types';
import { ConfirmModal } from '../ui/confirm-modal';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { ListState } from '../ui/list-state';

function RoleModal({ role, opened, onClose }: { role: Role | null; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [permissions, setPermissions] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!opened) return;
    setName(role?.name ?? '');
    setDescription(role?.description ?? '');
    setPermissions(role?.permissions ?? []);
    setError(null);
  }, [opened, role]);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), description: description.trim(), permissions };
      if (role) await api('PATCH', `/v1/roles/${encodeURIComponent(role.id)}`, body);
      else await api('POST', '/v1/roles', body);
      await Promise.all([client.invalidateQueries({ queryKey: ['roles'] }), client.invalidateQueries({ queryKey: ['key-permissions'] })]);
      notifications.show({ message: role ? `Role ${body.name} saved.` : `Role ${body.name} created.`, color: 'teal' });
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={role ? `Edit role ${role.name}` : 'Create role'} size="lg" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={100} data-autofocus />
          <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} autosize minRows={2} />
          <TagsInput
            label="Permissions"
            description="Type a permission and press Enter: service:action, with * as a wildcard (storage:read, billing:*)."
            value={permissions}
            onChange={setPermissions}
            clearable
            splitChars={[',', ' ']}
          />
          {error !== null && <ErrorAlert error={error} title="The role was not saved" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={name.trim() === ''}>
              {role ? 'Save role' : 'Create role'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function RolesPage() {
  const roles = useRoles();
  const client = useQueryClient();
  const [editing, setEditing] = useState<{ role: Role | null } | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">
            Roles
          </Title>
          <Text size="sm" c="dimmed">
            A role is a named set of permissions. Give roles to users and groups, or assign them to a key to narrow what it may do.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing({ role: null })}>
          Create role
        </Button>
      </Group>
      <ListState query={roles} items={roles.data} loading="Loading roles…" failed="Roles could not be loaded" empty="No roles yet.">
        {(items) => (
          <Table.ScrollContainer minWidth={720}>
            <Table striped aria-label="Roles">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Permissions</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {r.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {r.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {r.permissions.map((p) => (
                          <Badge key={p} variant="outline" color="gray" tt="none">
                            {p}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={r.updatedAt} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Button size="compact-xs" variant="light" onClick={() => setEditing({ role: r })} aria-label={`Edit role ${r.name}`}>
                          Edit
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => setDeleting(r)} aria-label={`Delete role ${r.name}`}>
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
      <RoleModal opened={editing !== null} role={editing?.role ?? null} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete role?"
        confirmLabel="Delete role"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api('DELETE', `/v1/roles/${encodeURIComponent(deleting.id)}`);
          await Promise.all([client.invalidateQueries({ queryKey: ['roles'] }), client.invalidateQueries({ queryKey: ['keys'] }), client.invalidateQueries({ queryKey: ['key-permissions'] })]);
          notifications.show({ message: `Role ${deleting.name} deleted.` });
          setDeleting(null);
        }}
      >
        <Text size="sm">
          Users and groups that have <strong>{deleting?.name}</strong> lose its permissions at once: requests that rely on them will be refused. A role still assigned to an access key cannot be
          deleted; take it off the key first.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
