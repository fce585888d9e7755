import { Button, Center } from '@mantine/core';

/** The next page of a server-side list (cursor paging); nothing is shown when there is none. */
export function LoadMore({ hasMore, loading, onClick, label = 'Load more' }: { hasMore: boolean; loading: boolean; onClick: () => void; label?: string }) {
  if (!hasMore) return null;
  return (
    <Center mt="sm">
      <Button variant="default" size="xs" loading={loading} onClick={onClick}>
        {label}
      </Button>
    </Center>
  );
}
