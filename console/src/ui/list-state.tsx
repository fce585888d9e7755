import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert';
import { Loading } from './loading';

interface ListQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * A server list's loading, error (with a retry) and empty states, the same on every list page;
 * `children` draws the items once there are some. `items` is undefined until the first answer.
 */
export function ListState<T>({
  query,
  items,
  loading,
  failed,
  empty,
  children,
}: {
  query: ListQuery;
  items: T[] | undefined;
  loading: string;
  failed: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      {query.isPending && <Loading label={loading} />}
      {query.isError && <ErrorAlert error={query.error} title={failed} onRetry={() => void query.refetch()} />}
      {items && items.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          {empty}
        </Text>
      )}
      {items && items.length > 0 && children(items)}
    </>
  );
}
