/**
 * Verifications over time, one stacked bar per time bucket: successes and failures. The chart is
 * a picture for the eye; the same figures are given as text beside it (totals, failures by code),
 * so nothing is only in the drawing.
 */
import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { useId } from 'react';
import type { KeyUsage } from '../api/wire';
import { bucketName, bucketText, NUMBER, rangeSpan, tickText } from './usage-range';

const SERIES = [
  { name: 'success', label: 'Success', color: 'teal.6' },
  { name: 'failure', label: 'Failure', color: 'red.6' },
];

export function VerificationsChart({ usage }: { usage: KeyUsage }) {
  const captionId = useId();
  const caption = `Verifications per ${bucketName(usage.bucketSeconds)} over ${rangeSpan(usage.range)}, by outcome`;
  return (
    <figure aria-labelledby={captionId} style={{ margin: 0 }} data-testid="verifications-chart">
      <Text component="figcaption" id={captionId} size="xs" c="dimmed" mb={4}>
        {caption}
      </Text>
      <BarChart
        h={200}
        data={usage.buckets}
        dataKey="start"
        series={SERIES}
        type="stacked"
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 28 }}
        tickLine="y"
        gridAxis="x"
        maxBarWidth={18}
        valueFormatter={(value) => NUMBER.format(value)}
        xAxisProps={{ tickFormatter: (start: unknown) => tickText(usage.range, start), minTickGap: 24 }}
        yAxisProps={{ allowDecimals: false, width: 40 }}
        tooltipProps={{ labelFormatter: (start: unknown) => bucketText(start, usage.bucketSeconds) }}
        tooltipAnimationDuration={0}
        barChartProps={{ title: caption }}
      />
    </figure>
  );
}
