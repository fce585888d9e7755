/**
 * The one moment a secret is on screen (creation, regeneration): the ID, the secret, the bearer
 * token and the copy text, each with a copy button; closing asks whether it was saved.
 */
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useSession } from '../api/queries';
import type { IssuedKey } from '../api/wire';
import { CopyField } from '../ui/copy-field';

export function IssuedSecretFields({ issued }: { issued: IssuedKey }) {
  const me = useSession();
  const revealLater = me.policy.secretReveal === 'after-step-up';
  return (
    <Stack gap="sm">
      <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Copy the secret now">
        {revealLater
          ? 'This is the only time the secret is shown without verifying your identity again. Keep it somewhere safe.'
          : 'The secret will not be shown again. It is stored encrypted and cannot be copied later; if you lose it, generate a new one.'}
      </Alert>
      <CopyField label="Access Key ID" value={issued.accessKeyId} />
      <CopyField label="Access Key Secret" value={issued.secret} />
      <CopyField label="Bearer token" value={issued.token} description="Send as Authorization: Bearer <token>, or to POST /v1/verify." />
      <CopyField label="Copy text" value={issued.copyText} description="key:<access key>::<secret key>,tenant id: <tenant ID>" copyLabel="Copy the key, secret and tenant ID as one text" />
    </Stack>
  );
}

/** Asks before a secret leaves the screen for good. Shared by the modal and the key details pane. */
export function SavedSecretCheck({ onBack, onClose }: { onBack: () => void; onClose: () => void }) {
  return (
    <Stack gap="md">
      <Text size="sm">Have you copied the secret? Once this window is closed, the secret cannot be shown again and you would have to generate a new one.</Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack}>
          Back to the secret
        </Button>
        <Button color="red" onClick={onClose}>
          I saved it, close
        </Button>
      </Group>
    </Stack>
  );
}

export function IssuedKeyModal({ issued, title, intro, onClose }: { issued: IssuedKey | null; title: string; intro?: ReactNode; onClose: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    onClose();
  };
  return (
    <Modal opened={issued !== null} onClose={() => setConfirming(true)} title={confirming ? 'Close without the secret?' : title} size="lg" centered closeOnClickOutside={false}>
      {issued &&
        (confirming ? (
          <SavedSecretCheck onBack={() => setConfirming(false)} onClose={close} />
        ) : (
          <Stack gap="md">
            {intro}
            <IssuedSecretFields issued={issued} />
            <Group justify="flex-end">
              <Button onClick={() => setConfirming(true)}>Done</Button>
            </Group>
          </Stack>
        ))}
    </Modal>
  );
}
