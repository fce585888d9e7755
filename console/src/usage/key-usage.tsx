/**
 * A key's verifications in its details pane: the chart by outcome over 24 hours, 7 days or 90
 * days, the totals, the failures by reason code, and when and from where it was last used. The
 * server counts them per time bucket (GET /v1/access-keys/{id}/usage), so every attempt shows
 * here even when only the latest ones are kept as access records.
 */
import { Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useKeyUsage } from '../api/queries';
import type { AccessKey, UsageRange } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';
import { FailuresByCode, Totals } from './usage-figures';
import { RangeControl, rangeSpan } from './usage-range';
import { VerificationsChart } from './verifications-chart';

export function KeyUsage({ accessKey }: { accessKey: AccessKey }) {
  const [range, setRange] = useState<UsageRange>('24h');
  const usage = useKeyUsage(accessKey.accessKeyId, range);
  return (
    <Stack gap="sm">
      <RangeControl value={range} onChange={setRange} label="Verifications over" />
      {usage.isPending && <Loading label="Loading verifications…" />}
      {usage.isError && <ErrorAlert error={usage.error} title="Verifications could not be loaded" onRetry={() => void usage.refetch()} />}
      {usage.data && (
        <>
          <Text size="sm" data-testid="last-used">
            Last used: <DateTime value={usage.data.lastUsedAt} empty="never" />
            {usage.data.lastUsedAt !== null && usage.data.lastUsedIp !== null && <> from {usage.data.lastUsedIp}</>}
          </Text>
          <Totals totals={usage.data.totals} />
          {usage.data.totals.success + usage.data.totals.failure === 0 ? (
            <Text size="sm" c="dimmed">
              No verifications in {rangeSpan(range)}.
            </Text>
          ) : (
            <>
              <VerificationsChart usage={usage.data} />
              <Group gap="xs" align="baseline">
                <Title order={5}>Failures by reason</Title>
                <Text size="xs" c="dimmed">
                  {rangeSpan(range)}
                </Text>
              </Group>
              <FailuresByCode failures={usage.data.failuresByCode} caption="Failures of this key by reason" empty={`No failures in ${rangeSpan(range)}.`} />
            </>
          )}
        </>
      )}
    </Stack>
  );
}
