/** The bell (seed 001: "the impacted users receive a bell notification"). */
import { ActionIcon, Anchor, Box, Button, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMarkAllNotificationsRead, useMarkNotificationRead } from '../api/mutations';
import { useNotifications, useSession } from '../api/queries';
import type { Notification } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';

/** Where a notification leads: the key it is about, on the page the reader manages it from. */
export function notificationTarget(n: Notification, isAdmin: boolean): string | null {
  const keyId = n.data?.accessKeyId;
  if (typeof keyId !== 'string') return null;
  return isAdmin ? `/access/users-and-keys/access-keys?key=${encodeURIComponent(keyId)}` : `/settings/access-keys?key=${encodeURIComponent(keyId)}`;
}

export function useOpenNotification() {
  const markRead = useMarkNotificationRead();
  const navigate = useNavigate();
  const me = useSession();
  return async (n: Notification) => {
    if (n.readAt === null) await markRead.mutateAsync(n.id);
    const target = notificationTarget(n, me.user.role === 'admin');
    if (target) void navigate(target);
  };
}

export function NotificationItem({ n, onOpen }: { n: Notification; onOpen: (n: Notification) => void }) {
  const unread = n.readAt === null;
  return (
    <UnstyledButton onClick={() => onOpen(n)} p="xs" w="100%" style={{ borderRadius: 6 }} aria-label={`${unread ? 'Unread: ' : ''}${n.title}`}>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Box w={8} h={8} mt={6} style={{ borderRadius: 4, flexShrink: 0 }} bg={unread ? 'blue' : 'transparent'} aria-hidden />
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={unread ? 700 : 400}>
            {n.title}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={3}>
            {n.body}
          </Text>
          <Text size="xs" c="dimmed">
            <DateTime value={n.createdAt} />
          </Text>
        </div>
      </Group>
    </UnstyledButton>
  );
}

export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const list = useNotifications(8);
  const markAllRead = useMarkAllNotificationsRead();
  const open = useOpenNotification();
  const unread = list.data?.unreadCount ?? 0;
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} shadow="md" withinPortal trapFocus>
      {/* The popover's target is the button itself: its aria-haspopup/aria-expanded belong on a button, not on the badge's wrapper. */}
      <Indicator label={unread > 99 ? '99+' : unread} size={16} color="red" disabled={unread === 0} offset={4}>
        <Popover.Target>
          <ActionIcon variant="subtle" size="lg" onClick={() => setOpened((o) => !o)} aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}>
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Popover.Target>
      </Indicator>
      <Popover.Dropdown p="xs" aria-label="Notifications">
        <Group justify="space-between" px="xs" pb="xs">
          <Text fw={600} size="sm">
            Notifications
          </Text>
          {unread > 0 && (
            <Button size="compact-xs" variant="subtle" onClick={() => markAllRead.mutate()}>
              Mark all as read
            </Button>
          )}
        </Group>
        <Divider />
        {list.isPending && <Loading />}
        {list.isError && <ErrorAlert error={list.error} title="Notifications are unavailable" />}
        {list.data && list.data.items.length === 0 && (
          <Text size="sm" c="dimmed" p="md" ta="center">
            No notifications yet.
          </Text>
        )}
        {list.data && list.data.items.length > 0 && (
          <ScrollArea.Autosize mah={360}>
            <Stack gap={2} py={4}>
              {list.data.items.map((n) => (
                <NotificationItem
                  key={n.id}
                  n={n}
                  onOpen={(item) => {
                    setOpened(false);
                    void open(item);
                  }}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
        <Divider />
        <Group justify="center" pt="xs">
          <Anchor component={Link} to="/notifications" size="sm" onClick={() => setOpened(false)}>
            View all notifications
          </Anchor>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
