/** New key (seeds 000, 001, 003, 004): a name, a type, a validity; the secret comes back once. */
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useCreateKey } from '../api/mutations';
import { useSession } from '../api/queries';
import type { IssuedAccessKey, KeyType, User } from '../api/wire';
import { ErrorAlert } from '../ui/error-alert';
import { UserPicker } from '../ui/user-picker';
import { defaultExpiry, ExpiryInput, expiryFields, isExpiryComplete, type ExpiryChoice } from './expiry';

/** The key types, plus the verifier key: an API key that may only ask Latchkey to verify keys. */
type KeyChoice = KeyType | 'verifier';

const TYPE_HELP: Record<KeyChoice, string> = {
  access: 'Can call the Latchkey API acting as its owner, and your own APIs.',
  api: 'Works only with your own APIs (they ask POST /v1/verify).',
  verifier: 'For your API or gateway: it may only ask Latchkey to verify keys.',
};

export interface CreateKeyModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (issued: IssuedAccessKey) => void;
  title: string;
  confirmLabel?: string;
  /** A fixed owner other than the signed-in user (an admin on a user's page). */
  owner?: Pick<User, 'id' | 'name' | 'email'>;
  /** Admins on the tenant-wide list may pick the owner. */
  chooseOwner?: boolean;
}

export function CreateKeyModal({ opened, onClose, onCreated, title, confirmLabel = 'Create', owner, chooseOwner }: CreateKeyModalProps) {
  const me = useSession();
  const create = useCreateKey();
  const { reset } = create;
  const busy = create.isPending;
  const [name, setName] = useState('');
  const [type, setType] = useState<KeyChoice>('access');
  const [expiry, setExpiry] = useState<ExpiryChoice>(() => defaultExpiry(me.policy));
  const [pickedOwner, setPickedOwner] = useState<User | null>(null);

  useEffect(() => {
    if (!opened) return;
    setName('');
    setType('access');
    setExpiry(defaultExpiry(me.policy));
    setPickedOwner(null);
    reset();
  }, [opened, me.policy, reset]);

  const ownerId = owner?.id ?? pickedOwner?.id ?? me.user.id;
  const submit = () =>
    create.mutate(
      {
        ...(name.trim() !== '' && { name: name.trim() }),
        // A verifier key is an API key the server narrows to its Verifier role: it takes no type.
        ...(type === 'verifier' ? { verifier: true } : { type }),
        ...(ownerId !== me.user.id && { userId: ownerId }),
        ...expiryFields(expiry),
      },
      { onSuccess: onCreated },
    );

  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={title} size="lg" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="md">
          {owner && (
            <Text size="sm">
              For <strong>{owner.name}</strong> ({owner.email})
            </Text>
          )}
          {chooseOwner && !owner && <UserPicker label="Owner" description="Leave empty to create the key for yourself." value={pickedOwner} onChange={setPickedOwner} />}
          <TextInput
            label="Name"
            description="A label to recognise the key in the console. It is never used to sign in or authenticate."
            placeholder="e.g. billing-export"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <Select
            label="Key type"
            data={[
              { value: 'access', label: 'Access' },
              { value: 'api', label: 'API' },
              { value: 'verifier', label: 'Verifier key' },
            ]}
            value={type}
            allowDeselect={false}
            onChange={(v) => v && setType(v as KeyChoice)}
            description={TYPE_HELP[type]}
          />
          {type === 'api' && (
            <Alert color="yellow" variant="light" title="Choose API only for data ingestion or external integrations">
              An API key cannot manage anything in Latchkey; it is meant for services that send data to your own APIs. Choose Access unless that is what you want.
            </Alert>
          )}
          <ExpiryInput value={expiry} onChange={setExpiry} policy={me.policy} />
          {create.error !== null && <ErrorAlert error={create.error} title="The key was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!isExpiryComplete(expiry)}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
