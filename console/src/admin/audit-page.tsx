/** The audit log: management actions, newest first, filtered and paged on the server. */
import { Anchor, Autocomplete, Button, Code, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAuditPage, useUser, type AuditFilters } from '../api/queries';
import type { AuditEvent, User } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ListState } from '../ui/list-state';
import { UserPicker } from '../ui/user-picker';

const ACTIONS = [
  'access_key.create',
  'access_key.update',
  'access_key.disable',
  'access_key.enable',
  'access_key.rotate',
  'access_key.delete',
  'access_key.reveal',
  'access_key.disabled_unused',
  'key.under_attack',
  'auth.login',
  'auth.logout',
  'user.create',
  'user.update',
  'user.password.change',
  'role.create',
  'role.update',
  'role.delete',
  'group.create',
  'group.update',
  'group.delete',
  'policy.update',
  'tenant.create',
];

function Actor({ event }: { event: AuditEvent }) {
  const user = useUser(event.actorId);
  if (event.actorId === null) return <Text size="sm">system</Text>;
  return (
    <div>
      <Anchor component={Link} to={`/access/users/${encodeURIComponent(event.actorId)}`} size="sm">
        {user.data?.email ?? event.actorId}
      </Anchor>
      {event.actorKeyId && (
        <Text size="xs" c="dimmed">
          with key {event.actorKeyId}
        </Text>
      )}
    </div>
  );
}

/** One "field: value" line per detail, so a long list stays readable. */
function Details({ details }: { details: AuditEvent['details'] }) {
  if (!details || Object.keys(details).length === 0) return <Text size="xs">—</Text>;
  return (
    <Stack gap={0} maw={340}>
      {Object.entries(details).map(([field, value]) => (
        <Text key={field} size="xs" style={{ overflowWrap: 'anywhere' }}>
          <Text span size="xs" c="dimmed">
            {field}:
          </Text>{' '}
          <Text span size="xs" ff="monospace">
            {typeof value === 'string' ? value : JSON.stringify(value)}
          </Text>
        </Text>
      ))}
    </Stack>
  );
}

/** A datetime-local value (the browser's zone) as the ISO instant the API expects. */
const toIso = (local: string) => (local === '' ? undefined : new Date(local).toISOString());

export function AuditPage() {
  const [actor, setActor] = useState<User | null>(null);
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState<AuditFilters>({});
  // Cursors of the pages before the current one, for "Previous".
  const [trail, setTrail] = useState<(string | null)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useAuditPage(applied, cursor);

  const apply = () => {
    setApplied({
      ...(actor && { actorId: actor.id }),
      ...(action.trim() !== '' && { action: action.trim() }),
      ...(toIso(from) && { from: toIso(from) }),
      ...(toIso(to) && { to: toIso(to) }),
    });
    setTrail([]);
    setCursor(null);
  };
  const reset = () => {
    setActor(null);
    setAction('');
    setFrom('');
    setTo('');
    setApplied({});
    setTrail([]);
    setCursor(null);
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Audit log
        </Title>
        <Text size="sm" c="dimmed">
          Every management action in the tenant: who did what, to what, from where. Times are in your time zone; hover for UTC.
        </Text>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <UserPicker label="Actor" placeholder="Anyone" value={actor} onChange={setActor} />
          <Autocomplete label="Action" placeholder="Any action" data={ACTIONS} value={action} onChange={setAction} comboboxProps={{ withinPortal: true }} />
          <TextInput type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </SimpleGrid>
        <Group mt="sm" gap="sm">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={reset}>
            Clear
          </Button>
        </Group>
      </form>
      <ListState query={page} items={page.data?.items} loading="Loading audit events…" failed="The audit log could not be loaded" empty="No events match.">
        {(items) => (
          <Table.ScrollContainer minWidth={900}>
            <Table striped aria-label="Audit events" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>IP</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      <DateTime value={e.at} />
                    </Table.Td>
                    <Table.Td>
                      <Actor event={e} />
                    </Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{e.targetType}</Text>
                      <Text size="xs" c="dimmed">
                        {e.targetId ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text span size="xs" fw={700} c={e.result === 'success' ? 'teal.8' : 'red.8'}>
                        {e.result === 'success' ? 'Success' : 'Failure'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.ip ?? '—'}</Table.Td>
                    <Table.Td>
                      <Details details={e.details} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
      <Group justify="space-between">
        <Button
          variant="default"
          disabled={trail.length === 0 || page.isFetching}
          onClick={() => {
            setCursor(trail[trail.length - 1] ?? null);
            setTrail(trail.slice(0, -1));
          }}
        >
          Previous page
        </Button>
        <Text size="sm" c="dimmed">
          Page {trail.length + 1}
        </Text>
        <Button
          variant="default"
          disabled={!page.data?.nextCursor || page.isFetching}
          onClick={() => {
            setTrail([...trail, cursor]);
            setCursor(page.data?.nextCursor ?? null);
          }}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
