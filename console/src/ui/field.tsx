import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A read-only value under its small label, as the key details show their facts. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}
