/** Issue 10: an admin resets the password of a user who forgot it; the one-time password is shown once. */
import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useResetUserPassword } from '../api/mutations';
import type { User } from '../api/wire';
import { ConfirmModal } from '../ui/confirm-modal';
import { CopyField } from '../ui/copy-field';

export function PasswordResetAction({ user }: { user: User }) {
  const reset = useResetUserPassword();
  const [confirming, setConfirming] = useState(false);
  const issued = reset.data;
  return (
    <>
      <Button variant="light" color="orange" onClick={() => setConfirming(true)}>
        Reset password
      </Button>
      <ConfirmModal
        opened={confirming}
        title="Reset the password?"
        confirmLabel="Reset password"
        confirmColor="orange"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await reset.mutateAsync(user.id);
          setConfirming(false);
        }}
      >
        <Text size="sm">
          {user.name} ({user.email}) is signed out everywhere and their current password stops working. You get a one-time password to give them; they must choose a new password when they sign in
          with it.
        </Text>
      </ConfirmModal>
      <Modal opened={issued !== undefined} onClose={() => reset.reset()} title="One-time password" centered>
        {issued && (
          <Stack gap="md">
            <Alert color="orange" variant="light" title={`Give this one-time password to ${issued.user.name}`}>
              It is shown only now. They sign in with it and must then choose their own password.
            </Alert>
            <CopyField label="One-time password" value={issued.oneTimePassword} />
            <Button onClick={() => reset.reset()}>Done</Button>
          </Stack>
        )}
      </Modal>
    </>
  );
}
