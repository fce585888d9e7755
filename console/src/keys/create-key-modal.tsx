/**
 * New key (seeds 000, 001, 003, 004): a name, a type, a validity; the secret comes back once.
 * Administrators may also set the key's usage controls (issue 11) here, in a section that starts
 * closed: rate limits, credits, IP allowlist, metadata and externalId, checked as in the key's
 * details, so a metered key never serves a request unmetered between its creation and a later edit.
 */
import { Alert, Button, Collapse, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../api/client';
import { useCreateKey } from '../api/mutations';
import { useSession } from '../api/queries';
import type { IssuedAccessKey, KeyType, User } from '../api/wire';
import { ErrorAlert } from '../ui/error-alert';
import { UserPicker } from '../ui/user-picker';
import { defaultExpiry, ExpiryInput, expiryFields, isExpiryComplete, type ExpiryChoice } from './expiry';
import { apiErrors, createControlsOf, type Errors, type FormState, isControlsField, newKeyControls, UsageControlsFields } from './usage-controls';

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
  const [controlsOpen, setControlsOpen] = useState(false);
  const [controls, setControls] = useState<FormState>(newKeyControls);
  const [controlErrors, setControlErrors] = useState<Errors>({});
  const controlsId = useId();

  useEffect(() => {
    if (!opened) return;
    setName('');
    setType('access');
    setExpiry(defaultExpiry(me.policy));
    setPickedOwner(null);
    setControlsOpen(false);
    setControls(newKeyControls());
    setControlErrors({});
    reset();
  }, [opened, me.policy, reset]);

  // Usage controls are the administrators' (the API refuses them to members); a verifier key only asks about other keys.
  const withControls = me.user.role === 'admin' && type !== 'verifier';
  const ownerId = owner?.id ?? pickedOwner?.id ?? me.user.id;
  // The controls' fields and problems, once per render: the summary beside the section and the submit read the same.
  const draft = createControlsOf(controls);
  const controlsSet = Object.keys(draft.fields).length;
  const submit = () => {
    const sent = withControls ? draft : { fields: {}, errors: {} };
    setControlErrors(sent.errors);
    if (Object.keys(sent.errors).length > 0) {
      setControlsOpen(true);
      return;
    }
    create.mutate(
      {
        ...(name.trim() !== '' && { name: name.trim() }),
        // A verifier key is an API key the server narrows to its Verifier role: it takes no type.
        ...(type === 'verifier' ? { verifier: true } : { type }),
        ...(ownerId !== me.user.id && { userId: ownerId }),
        ...expiryFields(expiry),
        ...sent.fields,
      },
      {
        onSuccess: onCreated,
        onError: (error) => {
          const refused = apiErrors(error, controls.ips);
          if (refused && error instanceof ApiError && isControlsField(error.details?.field)) {
            setControlErrors(refused);
            setControlsOpen(true);
          }
        },
      },
    );
  };
  const shownAtField = create.error instanceof ApiError && create.error.status === 400 && isControlsField(create.error.details?.field);

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
          {withControls && (
            <Stack gap="xs">
              <Group gap="xs">
                <Button
                  variant="subtle"
                  size="compact-sm"
                  px={0}
                  aria-expanded={controlsOpen}
                  aria-controls={controlsId}
                  leftSection={controlsOpen ? <IconChevronDown size={16} aria-hidden /> : <IconChevronRight size={16} aria-hidden />}
                  onClick={() => setControlsOpen((o) => !o)}
                >
                  Usage controls
                </Button>
                <Text size="xs" c="dimmed">
                  {controlsSet === 0 ? "Optional: without them the key has the tenant's defaults." : `${controlsSet} set`}
                </Text>
              </Group>
              <Collapse expanded={controlsOpen} id={controlsId}>
                <Stack gap="md" role="group" aria-label="Usage controls of the new key">
                  <UsageControlsFields state={controls} set={(patch) => setControls((s) => ({ ...s, ...patch }))} fieldError={(field) => controlErrors[field]} />
                </Stack>
              </Collapse>
            </Stack>
          )}
          {create.error !== null && !shownAtField && <ErrorAlert error={create.error} title="The key was not created" />}
          {create.error !== null && shownAtField && (
            <Text size="sm" c="red.8" role="alert">
              The key was not created: {create.error.message}
            </Text>
          )}
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
