/** Changes to a user that break something ask first: programmatic access off, disabling. */
import { Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useUpdateUser as useUpdateUserMutation } from '../api/mutations';
import type { BodyOf, User } from '../api/wire';
import { ConfirmModal } from '../ui/confirm-modal';

/** Changes a user, then says so: the caller shows a failure where it happened. */
export function useUpdateUser() {
  const mutation = useUpdateUserMutation();
  return async (user: User, patch: BodyOf<'/v1/users/{userId}', 'patch'>, message: string) => {
    const next = await mutation.mutateAsync({ user, patch });
    notifications.show({ message, color: 'teal' });
    return next;
  };
}

export function ProgrammaticAccessSwitch({ user, withLabel = false }: { user: User; withLabel?: boolean }) {
  const update = useUpdateUser();
  const [confirming, setConfirming] = useState(false);
  const grant = async () => update(user, { programmaticAccess: true }, `${user.name} has programmatic access.`);
  return (
    <>
      <Switch
        checked={user.programmaticAccess}
        onChange={() => (user.programmaticAccess ? setConfirming(true) : void grant())}
        label={withLabel ? 'Programmatic access' : user.programmaticAccess ? 'On' : 'Off'}
        aria-label={`Programmatic access for ${user.email}: ${user.programmaticAccess ? 'on' : 'off'}`}
        disabled={user.role === 'admin'}
        description={withLabel ? (user.role === 'admin' ? 'Administrators always may hold keys.' : 'Lets the user hold access keys.') : undefined}
      />
      <ConfirmModal
        opened={confirming}
        title="Revoke programmatic access?"
        confirmLabel="Revoke"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await update(user, { programmaticAccess: false }, `${user.name} no longer has programmatic access.`);
          setConfirming(false);
        }}
      >
        <Text size="sm">
          {user.name} ({user.email}) will not be able to create keys, and requests that use their existing keys will fail until access is granted again.
        </Text>
      </ConfirmModal>
    </>
  );
}

export function UserStatusDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const update = useUpdateUser();
  const disabling = user?.status === 'active';
  return (
    <ConfirmModal
      opened={user !== null}
      title={disabling ? 'Disable user?' : 'Enable user?'}
      confirmLabel={disabling ? 'Disable user' : 'Enable user'}
      confirmColor={disabling ? 'red' : 'blue'}
      onClose={onClose}
      onConfirm={async () => {
        if (!user) return;
        await update(user, { status: disabling ? 'disabled' : 'active' }, disabling ? `${user.name} is disabled.` : `${user.name} is enabled.`);
        onClose();
      }}
    >
      {user && (
        <Text size="sm">
          {disabling
            ? `${user.name} (${user.email}) is signed out everywhere and cannot sign in; requests that use their access keys fail until the user is enabled again.`
            : `${user.name} (${user.email}) can sign in again, and their enabled keys work again.`}
        </Text>
      )}
    </ConfirmModal>
  );
}
