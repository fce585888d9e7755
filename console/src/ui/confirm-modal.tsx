import { Button, Group, Modal, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
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
  const action = useMutation({ mutationFn: onConfirm });
  const busy = action.isPending;
  const close = () => {
    if (busy) return;
    action.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <Stack gap="md">
        {children}
        {action.error !== null && <ErrorAlert error={action.error} title="That did not work" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={busy}>
            {cancelLabel}
          </Button>
          {extra}
          <Button color={confirmColor} onClick={() => action.mutate()} loading={busy} disabled={confirmDisabled}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
