/** After signing in with a one-time password, nothing else opens until the user picks their own. */
import { Alert, Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useSignOutAndLeave } from '../session/sign-out';
import { useSession } from '../api/queries';
import { queryKeys } from '../api/query-keys';
import { PasswordForm } from './password-form';

export function ChangePasswordPage() {
  const me = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOutAndLeave();
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={480}>
        <Stack gap="md">
          <Title order={1} size="h2">
            Choose your password
          </Title>
          {me.user.mustChangePassword ? (
            <Alert color="blue" variant="light">
              You signed in with a one-time password. Choose your own password to continue, {me.user.name}.
            </Alert>
          ) : (
            <Text size="sm">Change the password you sign in with.</Text>
          )}
          <PasswordForm
            currentLabel={me.user.mustChangePassword ? 'One-time password' : 'Current password'}
            submitLabel="Set password and continue"
            onChanged={async () => {
              await client.invalidateQueries({ queryKey: queryKeys.me });
              await navigate('/', { replace: true });
            }}
          />
          <Text size="sm">
            <Anchor component="button" type="button" onClick={signOut}>
              Sign out instead
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
