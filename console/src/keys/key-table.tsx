/**
 * A page of keys from the server with "Load more" (cursor paging): a table on wide screens,
 * cards on narrow ones, sorted on the server by the column headers. Every row carries one ⋮
 * menu of actions; "tenant" rows also name the owner, "own" rows the secret.
 */
import { ActionIcon, Card, Group, Menu, Select, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconDotsVertical, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useKeyList, type KeyFilters } from '../api/queries';
import type { AccessKey } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { LoadMore } from '../ui/load-more';
import { Loading } from '../ui/loading';
import { useKeyActions } from './key-actions';
import { useSearchChange, useUrlFilters } from './key-search';
import { ExpiresCell, KeyIdCell, OwnerCell, SecretCell, StateSwitch } from './key-cells';

export type KeySection = 'details' | 'usage' | 'permissions' | 'records' | 'assignments' | 'expiry' | 'controls';

/** The key details pane lives in the URL (?key=…&section=…), so Back closes it and links open it. */
export function useKeyPane() {
  const { params, change } = useSearchChange();
  return {
    keyId: params.get('key'),
    section: (params.get('section') as KeySection | null) ?? 'details',
    open(accessKeyId: string, section: KeySection = 'details') {
      change((next) => {
        next.set('key', accessKeyId);
        if (section === 'details') next.delete('section');
        else next.set('section', section);
      });
    },
    close() {
      change((next) => {
        next.delete('key');
        next.delete('section');
      });
    },
  };
}

/**
 * One ⋮ menu per key, in the personal and the tenant views alike. Its items are named as the
 * seeds name them: the personal view as seeds 000, 003 and 004 (Disable, More Access Records), the
 * tenant view as seed 001 (Mark as inactive); both offer seed 001's "Generate new secret key" (a new
 * secret, same ID) and seed 004's "Regenerate" (a new key, the old one disabled).
 */
function KeyActionsMenu({ accessKey, variant }: { accessKey: AccessKey; variant: 'own' | 'tenant' }) {
  const actions = useKeyActions();
  const pane = useKeyPane();
  const live = accessKey.state !== 'deleted';
  const own = variant === 'own';
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${accessKey.name} (${accessKey.accessKeyId})`}>
          <IconDotsVertical size={16} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => pane.open(accessKey.accessKeyId)}>Key details</Menu.Item>
        {!own && <Menu.Item onClick={() => pane.open(accessKey.accessKeyId, 'permissions')}>View permissions</Menu.Item>}
        <Menu.Item onClick={() => pane.open(accessKey.accessKeyId, 'records')}>{own ? 'More Access Records' : 'Access records'}</Menu.Item>
        {live && <Menu.Divider />}
        {live && <Menu.Item onClick={() => actions.run('rotate', accessKey)}>Generate new secret key</Menu.Item>}
        {live && <Menu.Item onClick={() => actions.run('regenerate', accessKey)}>Regenerate</Menu.Item>}
        {accessKey.state === 'enabled' && <Menu.Item onClick={() => actions.run('disable', accessKey)}>{own ? 'Disable' : 'Mark as inactive'}</Menu.Item>}
        {accessKey.state === 'disabled' && <Menu.Item onClick={() => actions.run('enable', accessKey)}>{own ? 'Enable' : 'Mark as active'}</Menu.Item>}
        {live && (
          <Menu.Item color="red" onClick={() => actions.run('delete', accessKey)}>
            Delete
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

export interface KeyTableProps {
  filters: KeyFilters;
  variant: 'own' | 'tenant';
  /** Shown when the list is empty (seed 004's "Generate New Key"). */
  empty: ReactNode;
  label: string;
}

type SortColumn = 'name' | 'created' | 'lastUsed' | 'expires';
const SORTS: readonly SortColumn[] = ['name', 'created', 'lastUsed', 'expires'];

/** The list's order, kept in the URL (?sort=…&order=…) beside the filters; newest first by default. */
export function useKeySort() {
  const url = useUrlFilters(['sort', 'order'] as const);
  const by = SORTS.includes(url.values.sort as SortColumn) ? (url.values.sort as SortColumn) : 'created';
  const order: 'asc' | 'desc' = url.values.order === 'asc' || url.values.order === 'desc' ? url.values.order : by === 'name' ? 'asc' : 'desc';
  return {
    by,
    order,
    /** Asked of the server only when it is not the default. */
    params: by === 'created' && order === 'desc' ? {} : { sort: by, order },
    toggle(column: SortColumn) {
      const next = column === by ? (order === 'asc' ? 'desc' : 'asc') : column === 'name' ? 'asc' : 'desc';
      const plain = column === 'created' && next === 'desc';
      url.setAll({ sort: plain ? null : column, order: plain ? null : next });
    },
    set(column: SortColumn, order: 'asc' | 'desc') {
      const plain = column === 'created' && order === 'desc';
      url.setAll({ sort: plain ? null : column, order: plain ? null : order });
    },
  };
}

function SortHeader({ column, children, sort }: { column: SortColumn; children: ReactNode; sort: ReturnType<typeof useKeySort> }) {
  const active = sort.by === column;
  const Icon = !active ? IconSelector : sort.order === 'asc' ? IconChevronUp : IconChevronDown;
  return (
    <Table.Th aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => sort.toggle(column)} style={{ fontWeight: 'inherit', fontSize: 'inherit', whiteSpace: 'nowrap' }}>
        <Group gap={2} wrap="nowrap">
          {children}
          <Icon size={12} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

export function KeyTable({ filters, variant, empty, label }: KeyTableProps) {
  const sort = useKeySort();
  const list = useKeyList({ ...filters, ...sort.params });
  const narrow = useMediaQuery('(max-width: 48em)');
  if (list.isPending) return <Loading label="Loading access keys…" />;
  if (list.isError) return <ErrorAlert error={list.error} title="The access keys could not be loaded" onRetry={() => void list.refetch()} />;
  const keys = list.data.pages.flatMap((p) => p.items);
  if (keys.length === 0) return <>{empty}</>;
  const more = <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} label="Load more keys" />;

  if (narrow) {
    return (
      <Stack gap="sm">
        <Select
          label="Sort by"
          size="xs"
          w={220}
          allowDeselect={false}
          value={`${sort.by}:${sort.order}`}
          onChange={(v) => {
            if (!v) return;
            const [column, order] = v.split(':') as [SortColumn, 'asc' | 'desc'];
            sort.set(column, order);
          }}
          data={[
            { value: 'created:desc', label: 'Newest first' },
            { value: 'created:asc', label: 'Oldest first' },
            { value: 'name:asc', label: 'Name, A to Z' },
            { value: 'name:desc', label: 'Name, Z to A' },
            { value: 'lastUsed:desc', label: 'Last used, latest first' },
            { value: 'lastUsed:asc', label: 'Last used, longest ago first' },
            { value: 'expires:asc', label: 'Expires, soonest first' },
            { value: 'expires:desc', label: 'Expires, latest first' },
          ]}
        />
        <Stack gap="sm" aria-label={label} role="list">
          {keys.map((k) => (
            <Card key={k.accessKeyId} withBorder padding="sm" role="listitem" aria-label={`${k.name} (${k.accessKeyId})`}>
              <Stack gap={6}>
                <KeyIdCell accessKey={k} />
                {variant === 'tenant' && (
                  <Text size="xs">
                    Owner: <OwnerCell userId={k.ownerId} />
                  </Text>
                )}
                {variant === 'own' && <SecretCell accessKey={k} />}
                <StateSwitch accessKey={k} />
                <Text size="xs" c="dimmed">
                  Created <DateTime value={k.createdAt} /> · Expires <ExpiresCell accessKey={k} /> · Last used <DateTime value={k.lastUsedAt} empty="never" />
                </Text>
                <Group justify="flex-end">
                  <KeyActionsMenu accessKey={k} variant={variant} />
                </Group>
              </Stack>
            </Card>
          ))}
          {more}
        </Stack>
      </Stack>
    );
  }

  return (
    <>
      <Table.ScrollContainer minWidth={variant === 'own' ? 820 : 760}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <SortHeader column="name" sort={sort}>
                {variant === 'own' ? 'Access Key ID' : 'Key'}
              </SortHeader>
              {variant === 'own' ? <Table.Th>Access Key Secret</Table.Th> : <Table.Th>Owner</Table.Th>}
              <Table.Th>State</Table.Th>
              <SortHeader column="created" sort={sort}>
                Created At
              </SortHeader>
              <SortHeader column="expires" sort={sort}>
                Expires
              </SortHeader>
              <SortHeader column="lastUsed" sort={sort}>
                Last Used
              </SortHeader>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((k) => (
              <Table.Tr key={k.accessKeyId} data-key-id={k.accessKeyId}>
                <Table.Td>
                  <KeyIdCell accessKey={k} />
                </Table.Td>
                <Table.Td>{variant === 'own' ? <SecretCell accessKey={k} /> : <OwnerCell userId={k.ownerId} />}</Table.Td>
                <Table.Td>
                  <StateSwitch accessKey={k} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {/* Beside the secret, the day only: the minute is in the details pane (UTC on hover). */}
                  <DateTime value={k.createdAt} dateOnly={variant === 'own'} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <ExpiresCell accessKey={k} dateOnly={variant === 'own'} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <DateTime value={k.lastUsedAt} empty="Never used" dateOnly={variant === 'own'} />
                </Table.Td>
                <Table.Td>
                  <KeyActionsMenu accessKey={k} variant={variant} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {more}
    </>
  );
}
