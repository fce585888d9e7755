import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router';

export function NotFoundPage() {
  const location = useLocation();
  return (
    <Stack gap="sm" maw={560}>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text size="sm">
        The console has no page at <code>{location.pathname}</code>.
      </Text>
      <Anchor component={Link} to="/">
        Go to the start page
      </Anchor>
    </Stack>
  );
}
