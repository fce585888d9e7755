/**
 * The page shape roles and groups share: a title with a Create button, a table of named items
 * (name and description first, an Edit and a Delete per row), an editor modal and a delete
 * confirmation that says what breaks. Each page brings its own columns, editor and wording.
 */
import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { ConfirmModal } from '../ui/confirm-modal';
import { ListState } from '../ui/list-state';

interface Named {
  id: string;
  name: string;
  description: string;
}

export interface NamedSetColumn<T> {
  header: string;
  cell: (item: T) => ReactNode;
}

export function NamedSetPage<T extends Named>(props: {
  /** Singular and plural, lower case: "role" / "roles". */
  noun: string;
  plural: string;
  intro: ReactNode;
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown; data: T[] | undefined };
  columns: NamedSetColumn<T>[];
  /** The create/edit modal: `item` is null to create. */
  editor: (state: { opened: boolean; item: T | null; onClose: () => void }) => ReactNode;
  /** What deleting `item` breaks, shown in the confirmation. */
  deleteWarning: (item: T | null) => ReactNode;
  onDelete: (item: T) => Promise<void>;
}) {
  const { noun, plural } = props;
  const title = plural[0]!.toUpperCase() + plural.slice(1);
  const [editing, setEditing] = useState<{ item: T | null } | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {props.intro}
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing({ item: null })}>
          Create {noun}
        </Button>
      </Group>
      <ListState query={props.query} items={props.query.data} loading={`Loading ${plural}…`} failed={`${title} could not be loaded`} empty={`No ${plural} yet.`}>
        {(items) => (
          <Table.ScrollContainer minWidth={720}>
            <Table striped aria-label={title}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  {props.columns.map((c) => (
                    <Table.Th key={c.header}>{c.header}</Table.Th>
                  ))}
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {item.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {item.description}
                      </Text>
                    </Table.Td>
                    {props.columns.map((c) => (
                      <Table.Td key={c.header}>{c.cell(item)}</Table.Td>
                    ))}
                    <Table.Td>
                      <Group gap={4}>
                        <Button size="compact-xs" variant="light" onClick={() => setEditing({ item })} aria-label={`Edit ${noun} ${item.name}`}>
                          Edit
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => setDeleting(item)} aria-label={`Delete ${noun} ${item.name}`}>
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
      {props.editor({ opened: editing !== null, item: editing?.item ?? null, onClose: () => setEditing(null) })}
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${noun}?`}
        confirmLabel={`Delete ${noun}`}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await props.onDelete(deleting);
          setDeleting(null);
        }}
      >
        <Text size="sm">{props.deleteWarning(deleting)}</Text>
      </ConfirmModal>
    </Stack>
  );
}
