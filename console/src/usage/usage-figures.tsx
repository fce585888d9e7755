/** The figures every usage view shows as text: totals by outcome and failures by reason code. */
import { Group, Paper, Table, Text } from '@mantine/core';
import type { KeyUsage } from '../api/wire';
import { NUMBER } from './usage-range';

function Figure({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="xs" radius="md" miw={110} role="group" aria-label={`${label}: ${NUMBER.format(value)}`}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" c={color}>
        {NUMBER.format(value)}
      </Text>
    </Paper>
  );
}

export function Totals({ totals }: { totals: KeyUsage['totals'] }) {
  const all = totals.success + totals.failure;
  return (
    <Group gap="sm" aria-label="Totals" role="group">
      <Figure label="Verifications" value={all} />
      <Figure label="Successes" value={totals.success} color="teal.8" />
      <Figure label="Failures" value={totals.failure} color={totals.failure > 0 ? 'red.8' : undefined} />
    </Group>
  );
}

/** Failures by reason code, most frequent first; the codes are the ones /v1/verify answers. */
export function FailuresByCode({ failures, caption, empty }: { failures: KeyUsage['failuresByCode']; caption: string; empty: string }) {
  if (failures.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  const sorted = [...failures].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  return (
    <Table verticalSpacing={4} fz="sm" aria-label={caption} maw={420}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Reason</Table.Th>
          <Table.Th ta="right">Failures</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sorted.map((f) => (
          <Table.Tr key={f.code}>
            <Table.Td>
              <Text span ff="monospace" size="sm">
                {f.code}
              </Text>
            </Table.Td>
            <Table.Td ta="right">{NUMBER.format(f.count)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
