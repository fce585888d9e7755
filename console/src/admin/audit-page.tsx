/** The audit log: management actions, newest first, filtered and paged on the server. */
import { Anchor, Button, Code, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { auditExportUrl, useAuditActions, useAuditPage, type AuditFilters } from '../api/queries';
import type { AuditEvent, User } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ListState } from '../ui/list-state';
import { UserPicker } from '../ui/user-picker';

function Actor({ event }: { event: AuditEvent }) {
  if (event.actorId === null) return <Text size="sm">system</Text>;
  return (
    <div>
      <Anchor component={Link} to={`/access/users/${encodeURIComponent(event.actorId)}`} size="sm">
        {event.actorEmail ?? event.actorId}
      </Anchor>
      {event.actorKeyId && (
        <Text size="xs" c="dimmed">
          with key {event.actorKeyName ? `${event.actorKeyName} (${event.actorKeyId})` : event.actorKeyId}
        </Text>
      )}
    </div>
  );
}

/** What an event acted on: its name first when it has one (a user's email, a key's name), the type and ID beneath. */
function Target({ event }: { event: AuditEvent }) {
  const link = event.targetId !== null && event.targetType === 'user' ? `/access/users/${encodeURIComponent(event.targetId)}` : null;
  return (
    <div>
      {event.targetName !== null &&
        (link ? (
          <Anchor component={Link} to={link} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {event.targetName}
          </Anchor>
        ) : (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {event.targetName}
          </Text>
        ))}
      <Text size="xs" c="dimmed">
        {event.targetType}
        {event.targetId !== null && ` ${event.targetId}`}
      </Text>
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
  const actions = useAuditActions();

  const apply = () => {
    setApplied({
      ...(actor && { actorId: actor.id }),
      ...(action !== '' && { action }),
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
          <Select
            label="Action"
            placeholder="Any action"
            data={(actions.data?.items ?? []).map((a) => ({ value: a.action, label: a.label }))}
            value={action === '' ? null : action}
            onChange={(value) => setAction(value ?? '')}
            searchable
            clearable
            nothingFoundMessage="No such action"
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </SimpleGrid>
        <Group mt="sm" gap="sm">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={reset}>
            Clear
          </Button>
          <Button component="a" href={auditExportUrl(applied)} download variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
            Export CSV
          </Button>
        </Group>
        <Text size="xs" c="dimmed" mt={4}>
          The export holds every event the applied filters match, not only this page.
        </Text>
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
                      <Text size="sm">{e.actionLabel}</Text>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Target event={e} />
                    </Table.Td>
                    <Table.Td>
                      <Text span size="xs" fw={700} c={e.result === 'success' ? 'teal.9' : 'red.9'}>
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
