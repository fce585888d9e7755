/**
 * The tenant's Usage page (administrators): verifications over 24 hours, 7 days or 90 days —
 * the totals, the failures by reason code, the busiest keys and the keys under attack (a burst
 * of failed attempts raised a key.under_attack alert), each key linking to its details pane.
 */
import { BarChart } from '@mantine/charts';
import { Anchor, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTenantUsage } from '../api/queries';
import type { TenantUsage, UsageRange } from '../api/wire';
import { OwnerCell } from '../keys/key-cells';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';
import { FailuresByCode, Totals } from './usage-figures';
import { NUMBER, RangeControl, rangeSpan } from './usage-range';

/** The tenant key list with this key's details pane open at its verifications. */
export function keyLink(accessKeyId: string): string {
  return `/access/users-and-keys/access-keys?key=${encodeURIComponent(accessKeyId)}&section=usage`;
}

function KeyCell({ accessKeyId, name }: { accessKeyId: string; name: string }) {
  return (
    <div>
      <Anchor component={Link} to={keyLink(accessKeyId)} size="sm">
        {name}
      </Anchor>
      <Text size="xs" c="dimmed">
        <Code>{accessKeyId}</Code>
      </Text>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = `usage-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function BusiestKeys({ keys, range }: { keys: TenantUsage['busiestKeys']; range: UsageRange }) {
  if (keys.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No key was verified in {rangeSpan(range)}.
      </Text>
    );
  }
  const caption = `Verifications of the busiest keys over ${rangeSpan(range)}, by outcome`;
  return (
    <Stack gap="sm">
      <figure aria-label={caption} style={{ margin: 0 }}>
        <BarChart
          h={Math.max(120, keys.length * 32 + 40)}
          data={keys.map((k) => ({ key: k.name, success: k.success, failure: k.failure }))}
          dataKey="key"
          orientation="vertical"
          type="stacked"
          series={[
            { name: 'success', label: 'Success', color: 'teal.6' },
            { name: 'failure', label: 'Failure', color: 'red.6' },
          ]}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 28 }}
          gridAxis="y"
          yAxisProps={{ width: 120 }}
          xAxisProps={{ allowDecimals: false }}
          valueFormatter={(value) => NUMBER.format(value)}
          tooltipAnimationDuration={0}
          barChartProps={{ title: caption }}
        />
      </figure>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={4} fz="sm" aria-label="Busiest keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th ta="right">Successes</Table.Th>
              <Table.Th ta="right">Failures</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((k) => (
              <Table.Tr key={k.accessKeyId}>
                <Table.Td>
                  <KeyCell accessKeyId={k.accessKeyId} name={k.name} />
                </Table.Td>
                <Table.Td>
                  <OwnerCell userId={k.ownerId} />
                </Table.Td>
                <Table.Td ta="right">{NUMBER.format(k.success)}</Table.Td>
                <Table.Td ta="right">{NUMBER.format(k.failure)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function UnderAttack({ keys, range }: { keys: TenantUsage['underAttack']; range: UsageRange }) {
  if (keys.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No key was under attack in {rangeSpan(range)}.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing={4} fz="sm" aria-label="Keys under attack">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th ta="right">Failures</Table.Th>
            <Table.Th>Last alert</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((k) => (
            <Table.Tr key={k.accessKeyId}>
              <Table.Td>
                <KeyCell accessKeyId={k.accessKeyId} name={k.name} />
              </Table.Td>
              <Table.Td>
                <OwnerCell userId={k.ownerId} />
              </Table.Td>
              <Table.Td ta="right">{NUMBER.format(k.failures)}</Table.Td>
              <Table.Td>
                <DateTime value={k.lastAlertAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function UsagePage() {
  const [range, setRange] = useState<UsageRange>('24h');
  const usage = useTenantUsage(range);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            Usage
          </Title>
          <Text size="sm" c="dimmed">
            Verifications of the tenant's keys by your APIs and gateways, counted by the server. Times are in your time zone.
          </Text>
        </div>
        <RangeControl value={range} onChange={setRange} label="Usage over" />
      </Group>
      {usage.isPending && <Loading label="Loading usage…" />}
      {usage.isError && <ErrorAlert error={usage.error} title="Usage could not be loaded" onRetry={() => void usage.refetch()} />}
      {usage.data && (
        <>
          <Totals totals={usage.data.totals} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <Panel title="Keys under attack">
              <Text size="xs" c="dimmed" mb="xs">
                Keys that had a burst of failed attempts (their owner and the administrators were alerted).
              </Text>
              <UnderAttack keys={usage.data.underAttack} range={range} />
            </Panel>
            <Panel title="Failures by reason">
              <FailuresByCode failures={usage.data.failuresByCode} caption="Failures by reason" empty={`No failures in ${rangeSpan(range)}.`} />
            </Panel>
          </SimpleGrid>
          <Panel title="Busiest keys">
            <BusiestKeys keys={usage.data.busiestKeys} range={range} />
          </Panel>
        </>
      )}
    </Stack>
  );
}
