/** Roles: named sets of permission strings (storage:read, billing:*). */
import { Badge, Button, Group, Modal, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useDeleteRole, useSaveRole } from '../api/mutations';
import { useRoles } from '../api/queries';
import type { Role } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { NamedSetPage } from './named-set-page';

function RoleModal({ role, opened, onClose }: { role: Role | null; opened: boolean; onClose: () => void }) {
  const save = useSaveRole(role);
  const { reset } = save;
  const busy = save.isPending;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [permissions, setPermissions] = useState<string[]>([]);
  useEffect(() => {
    if (!opened) return;
    setName(role?.name ?? '');
    setDescription(role?.description ?? '');
    setPermissions(role?.permissions ?? []);
    reset();
  }, [opened, role, reset]);
  const submit = () => {
    const body = { name: name.trim(), description: description.trim(), permissions };
    save.mutate(body, {
      onSuccess: () => {
        notifications.show({ message: role ? `Role ${body.name} saved.` : `Role ${body.name} created.`, color: 'teal' });
        onClose();
      },
    });
  };
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={role ? `Edit role ${role.name}` : 'Create role'} size="lg" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
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
          {save.error !== null && <ErrorAlert error={save.error} title="The role was not saved" />}
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
  const remove = useDeleteRole();
  return (
    <NamedSetPage<Role>
      noun="role"
      plural="roles"
      intro="A role is a named set of permissions. Give roles to users and groups, or assign them to a key to narrow what it may do."
      query={roles}
      columns={[
        {
          header: 'Permissions',
          cell: (r) => (
            <Group gap={4}>
              {r.permissions.map((p) => (
                <Badge key={p} variant="outline" color="gray" tt="none">
                  {p}
                </Badge>
              ))}
            </Group>
          ),
        },
        { header: 'Updated', cell: (r) => <DateTime value={r.updatedAt} /> },
      ]}
      editor={({ opened, item, onClose }) => <RoleModal opened={opened} role={item} onClose={onClose} />}
      onDelete={async (role) => {
        await remove.mutateAsync(role);
        notifications.show({ message: `Role ${role.name} deleted.` });
      }}
      deleteWarning={(role) => (
        <>
          Users and groups that have <strong>{role?.name}</strong> lose its permissions at once: requests that rely on them will be refused. A role still assigned to an access key cannot be
          deleted; take it off the key first.
        </>
      )}
    />
  );
}
