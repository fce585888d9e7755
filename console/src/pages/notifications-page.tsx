import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMarkAllNotificationsRead } from '../api/mutations';
import { useNotificationList } from '../api/queries';
import { NotificationItem, useOpenNotification } from '../layout/notification-bell';
import { ErrorAlert } from '../ui/error-alert';
import { LoadMore } from '../ui/load-more';
import { Loading } from '../ui/loading';

export function NotificationsPage() {
  const list = useNotificationList();
  const markAllRead = useMarkAllNotificationsRead();
  const open = useOpenNotification();
  const unread = list.data?.pages[0]?.unreadCount ?? 0;
  return (
    <Stack gap="md" maw={760}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Notifications
        </Title>
        <Button variant="light" disabled={unread === 0} loading={markAllRead.isPending} onClick={() => markAllRead.mutate()}>
          Mark all as read
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Expiry reminders, changes an administrator made to your keys, and changes to your roles and groups. Reminders also go out by email.
      </Text>
      {list.isPending && <Loading />}
      {list.isError && <ErrorAlert error={list.error} title="Notifications could not be loaded" onRetry={() => void list.refetch()} />}
      {list.data && (
        <Paper withBorder p="xs">
          {list.data.pages[0]?.items.length === 0 ? (
            <Text size="sm" c="dimmed" p="md" ta="center">
              No notifications yet.
            </Text>
          ) : (
            <Stack gap={2}>
              {list.data.pages
                .flatMap((p) => p.items)
                .map((n) => (
                  <NotificationItem key={n.id} n={n} onOpen={(item) => void open(item)} />
                ))}
            </Stack>
          )}
          <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
        </Paper>
      )}
    </Stack>
  );
}
