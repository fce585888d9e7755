import { Button, Group, Modal, Stack } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

export interface ConfirmModalProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmColor?: string;
  /** Runs the action; the dialog stays open (with the error) if it throws. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  cancelLabel?: string;
  confirmDisabled?: boolean;
  /** Extra buttons between Cancel and the main action. */
  extra?: ReactNode;
}

/** Every action that breaks something asks first, and says what will break. */
export function ConfirmModal({ opened, title, children, confirmLabel, confirmColor = 'red', onConfirm, onClose, cancelLabel = 'Cancel', confirmDisabled, extra }: ConfirmModalProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <Stack gap="md">
        {children}
        {error !== null && <ErrorAlert error={error} title="That did not work" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={busy}>
            {cancelLabel}
          </Button>
          {extra}
          <Button color={confirmColor} onClick={confirm} loading={busy} disabled={confirmDisabled}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
