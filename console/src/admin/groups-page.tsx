/** Groups: users that carry roles (seed 001: "user groups that are associated with roles"). */
import { ActionIcon, Badge, Button, Group, Modal, MultiSelect, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useDeleteGroup, useSaveGroup } from '../api/mutations';
import { useGroups, useRoles, useUser } from '../api/queries';
import type { Group as UserGroup, User } from '../api/wire';
import { ErrorAlert } from '../ui/error-alert';
import { NamedSetPage } from './named-set-page';
import { UserPicker, userLabel } from '../ui/user-picker';

function MemberRow({ userId, onRemove }: { userId: string; onRemove: () => void }) {
  const user = useUser(userId);
  const label = user.data ? userLabel(user.data) : userId;
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Text size="sm" truncate>
        {label}
      </Text>
      <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={`Remove ${label} from the group`}>
        <IconX size={14} aria-hidden />
      </ActionIcon>
    </Group>
  );
}

function GroupModal({ group, opened, onClose }: { group: UserGroup | null; opened: boolean; onClose: () => void }) {
  const save = useSaveGroup(group);
  const { reset } = save;
  const busy = save.isPending;
  const roles = useRoles();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [userIds, setUserIds] = useState<string[]>([]);
  const [adding, setAdding] = useState<User | null>(null);
  useEffect(() => {
    if (!opened) return;
    setName(group?.name ?? '');
    setDescription(group?.description ?? '');
    setRoleIds(group?.roleIds ?? []);
    setUserIds(group?.userIds ?? []);
    setAdding(null);
    reset();
  }, [opened, group, reset]);
  const submit = () => {
    const body = { name: name.trim(), description: description.trim(), roleIds, userIds };
    save.mutate(body, {
      onSuccess: () => {
        notifications.show({ message: group ? `Group ${body.name} saved.` : `Group ${body.name} created.`, color: 'teal' });
        onClose();
      },
    });
  };
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={group ? `Edit group ${group.name}` : 'Create group'} size="lg" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="md">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={100} data-autofocus />
          <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} autosize minRows={2} />
          <MultiSelect
            label="Roles"
            description="Every member holds the permissions of these roles."
            data={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            value={roleIds}
            onChange={setRoleIds}
            searchable
            clearable
            placeholder={roles.isPending ? 'Loading roles…' : 'Select roles'}
            comboboxProps={{ withinPortal: true }}
          />
          <Stack gap={6}>
            <Group align="flex-end" gap="sm">
              <div style={{ flex: 1 }}>
                <UserPicker label="Add a member" value={adding} onChange={setAdding} />
              </div>
              <Button
                variant="light"
                disabled={adding === null || userIds.includes(adding.id)}
                onClick={() => {
                  if (adding) setUserIds((ids) => [...ids, adding.id]);
                  setAdding(null);
                }}
              >
                Add
              </Button>
            </Group>
            <Text size="sm" fw={500}>
              Members ({userIds.length})
            </Text>
            {userIds.length === 0 ? (
              <Text size="sm" c="dimmed">
                No members yet.
              </Text>
            ) : (
              userIds.map((id) => <MemberRow key={id} userId={id} onRemove={() => setUserIds((ids) => ids.filter((x) => x !== id))} />)
            )}
          </Stack>
          {save.error !== null && <ErrorAlert error={save.error} title="The group was not saved" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={name.trim() === ''}>
              {group ? 'Save group' : 'Create group'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function GroupsPage() {
  const groups = useGroups();
  const roles = useRoles();
  const remove = useDeleteGroup();
  const roleName = (id: string) => roles.data?.find((r) => r.id === id)?.name ?? id;
  return (
    <NamedSetPage<UserGroup>
      noun="group"
      plural="groups"
      intro="A group gives its roles to every member. Assign a group to a key to narrow the key to the group's roles."
      query={groups}
      columns={[
        {
          header: 'Roles',
          cell: (g) => (
            <Group gap={4}>
              {g.roleIds.map((id) => (
                <Badge key={id} variant="outline" tt="none">
                  {roleName(id)}
                </Badge>
              ))}
            </Group>
          ),
        },
        { header: 'Members', cell: (g) => g.userIds.length },
      ]}
      editor={({ opened, item, onClose }) => <GroupModal opened={opened} group={item} onClose={onClose} />}
      onDelete={async (group) => {
        await remove.mutateAsync(group);
        notifications.show({ message: `Group ${group.name} deleted.` });
      }}
      deleteWarning={(group) => (
        <>
          The members of <strong>{group?.name}</strong> lose the permissions of its roles at once. A group still assigned to an access key cannot be deleted; take it off the key first.
        </>
      )}
    />
  );
}
