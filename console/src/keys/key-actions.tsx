/**
 * Disable, enable, generate a new secret (rotate), regenerate (a new key), end an overlap and
 * delete, each behind a dialog that says what will break.
 * A page wraps its key views in <KeyActionsProvider>; tables, switches and the details pane
 * call `useKeyActions().run(kind, key)`.
 */
import { Alert, Code, Radio, Stack, Text } from '@mantine/core';
import { DateTime } from '../ui/date-time';
import { notifications } from '@mantine/notifications';
import { createContext, use, useRef, useState, type ReactNode } from 'react';
import { useChangeKeyState, useEndOverlap, useReplaceKey, useRotateKey, type KeyStateAction } from '../api/mutations';
import { useSession } from '../api/queries';
import type { AccessKey, IssuedAccessKey } from '../api/wire';
import { ConfirmModal } from '../ui/confirm-modal';
import { currentOpener, returnFocus } from '../ui/focus-return';
import { IssuedKeyModal } from './issued-key';

/** rotate: "Generate new secret key" (same ID); regenerate: seed 004's "Regenerate" (a new key, the old one disabled). */
export type KeyActionKind = 'disable' | 'enable' | 'delete' | 'rotate' | 'regenerate' | 'end-overlap';

interface KeyActions {
  run(kind: KeyActionKind, key: AccessKey): void;
}

const KeyActionsContext = createContext<KeyActions | null>(null);

export function useKeyActions(): KeyActions {
  const actions = use(KeyActionsContext);
  if (!actions) throw new Error('useKeyActions outside KeyActionsProvider');
  return actions;
}

function KeyLine({ accessKey }: { accessKey: AccessKey }) {
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      <strong>{accessKey.name}</strong> <Code>{accessKey.accessKeyId}</Code>
    </Text>
  );
}

export function KeyActionsProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<{ kind: KeyActionKind; key: AccessKey } | null>(null);
  const [issued, setIssued] = useState<(IssuedAccessKey & { replacedKeyId?: string }) | null>(null);
  // The button or ⋮ menu that opened the dialog gets the focus back when it closes.
  const opener = useRef<HTMLElement | null>(null);
  const run = (kind: KeyActionKind, key: AccessKey) => {
    opener.current = currentOpener();
    setPending({ kind, key });
  };
  return (
    <KeyActionsContext value={{ run }}>
      {children}
      {pending && (
        <ActionDialog
          key={`${pending.kind}:${pending.key.accessKeyId}`}
          kind={pending.kind}
          accessKey={pending.key}
          onDone={(next) => {
            setPending(null);
            // A new secret opens its own dialog; the focus returns when that one closes.
            if (next) setIssued(next);
            else returnFocus(opener.current);
          }}
        />
      )}
      <IssuedKeyModal
        issued={issued}
        title="Your new secret"
        intro={
          issued && (
            <Text size="sm">
              {issued.replacedKeyId ? (
                <>
                  A new access key <Code>{issued.accessKeyId}</Code> replaces <Code>{issued.replacedKeyId}</Code>, which is now disabled.
                </>
              ) : (
                <>
                  The access key <Code>{issued.accessKeyId}</Code> has a new secret.
                </>
              )}
            </Text>
          )
        }
        onClose={() => {
          setIssued(null);
          returnFocus(opener.current);
        }}
      />
    </KeyActionsContext>
  );
}

/** `onDone` closes the dialog, with the new secret when one was generated. */
function ActionDialog({ kind, accessKey, onDone }: { kind: KeyActionKind; accessKey: AccessKey; onDone: (issued?: IssuedAccessKey & { replacedKeyId?: string }) => void }) {
  const me = useSession();
  const changeState = useChangeKeyState();
  const rotate = useRotateKey(accessKey.accessKeyId);
  const replace = useReplaceKey(accessKey.accessKeyId);
  const endOverlap = useEndOverlap(accessKey.accessKeyId);
  const [key, setKey] = useState(accessKey);
  const [overlap, setOverlap] = useState('0');
  const stepUpNote = me.policy.stepUp && me.policy.stepUp !== 'none' ? ' You may be asked to verify your identity first.' : '';

  // The dialog shows its own busy and error state (ConfirmModal); this only sends and says so.
  const change = async (action: KeyStateAction, message: string) => {
    const next = await changeState.mutateAsync({ accessKeyId: key.accessKeyId, action });
    notifications.show({ message, color: action === 'enable' ? 'teal' : 'gray' });
    return next;
  };

  if (kind === 'disable') {
    return (
      <ConfirmModal
        opened
        title="Disable access key?"
        confirmLabel="Disable"
        onClose={() => onDone()}
        onConfirm={async () => {
          await change('disable', `Access key ${key.accessKeyId} is disabled.`);
          onDone();
        }}
      >
        <KeyLine accessKey={key} />
        <Text size="sm">Requests that use this key will fail from the moment you confirm, until the key is enabled again. Any task or integration using it stops working.</Text>
      </ConfirmModal>
    );
  }

  if (kind === 'enable') {
    return (
      <ConfirmModal
        opened
        title="Activate access key?"
        confirmLabel="Activate"
        confirmColor="blue"
        onClose={() => onDone()}
        onConfirm={async () => {
          await change('enable', `Access key ${key.accessKeyId} is active again.`);
          onDone();
        }}
      >
        <KeyLine accessKey={key} />
        <Text size="sm">
          Requests that use this key will be accepted again{key.expired ? ' — but it has expired: extend its expiry for it to work' : ''}.{stepUpNote}
        </Text>
      </ConfirmModal>
    );
  }

  if (kind === 'rotate') {
    const seconds = Number(overlap);
    return (
      <ConfirmModal
        opened
        title="Generate a new secret key?"
        confirmLabel="Generate new secret key"
        confirmColor="blue"
        onClose={() => onDone()}
        onConfirm={async () => {
          onDone(await rotate.mutateAsync({ overlapSeconds: seconds }));
        }}
      >
        <KeyLine accessKey={key} />
        <Text size="sm">
          The key keeps its ID; a new secret is generated and shown once.{' '}
          {seconds === 0
            ? 'The current secret stops working at once: requests that use it will fail.'
            : 'The current secret keeps working for the overlap you chose (you can end it early), then requests that use it will fail.'}
          {stepUpNote}
        </Text>
        <Radio.Group label="When should the current secret stop working?" value={overlap} onChange={setOverlap}>
          <Stack gap={6} mt={6}>
            <Radio value="0" label="Now" />
            <Radio value="3600" label="In 1 hour (time to roll the new secret out)" />
            <Radio value="86400" label="In 24 hours" />
          </Stack>
        </Radio.Group>
      </ConfirmModal>
    );
  }

  if (kind === 'regenerate') {
    return (
      <ConfirmModal
        opened
        title="Regenerate the key?"
        confirmLabel="Get New Key"
        confirmColor="blue"
        onClose={() => onDone()}
        onConfirm={async () => {
          const made = await replace.mutateAsync();
          notifications.show({ message: `Access key ${key.accessKeyId} is disabled; ${made.accessKeyId} replaces it.`, color: 'gray' });
          onDone(made);
        }}
      >
        <KeyLine accessKey={key} />
        <Text size="sm">
          A new access key and secret are generated, with the same name, owner, roles, expiry and usage controls; the secret is shown once. This key is disabled at once: requests that use it will
          fail.{stepUpNote}
        </Text>
      </ConfirmModal>
    );
  }

  if (kind === 'end-overlap') {
    return (
      <ConfirmModal
        opened
        title="End the overlap now?"
        confirmLabel="End overlap now"
        onClose={() => onDone()}
        onConfirm={async () => {
          await endOverlap.mutateAsync();
          notifications.show({ message: `The old secret of ${key.accessKeyId} has stopped working.`, color: 'gray' });
          onDone();
        }}
      >
        <KeyLine accessKey={key} />
        <Text size="sm">
          The old secret would work until <DateTime value={key.previousSecretExpiresAt} />. Requests that still use it will fail from the moment you confirm; the new secret keeps working.
        </Text>
      </ConfirmModal>
    );
  }

  // Delete. With "delete only a disabled key" (seed 003), an enabled key is disabled first, here.
  const mustDisable = me.policy.deleteRequiresDisabled && key.state === 'enabled';
  return (
    <ConfirmModal
      opened
      title="Delete access key?"
      confirmLabel={mustDisable ? 'Disable key' : 'Delete'}
      confirmColor={mustDisable ? 'orange' : 'red'}
      onClose={() => onDone()}
      onConfirm={async () => {
        if (mustDisable) {
          setKey(await change('disable', `Access key ${key.accessKeyId} is disabled.`));
          return;
        }
        await change('delete', `Access key ${key.accessKeyId} is deleted.`);
        onDone();
      }}
    >
      <KeyLine accessKey={key} />
      {mustDisable ? (
        <Alert color="orange" variant="light" title="Disable the key first">
          The tenant policy allows deleting only a disabled key. Disable it now (requests that use it will fail from then on), then delete it.
        </Alert>
      ) : (
        <Text size="sm">
          Requests that use this key will fail, and a deleted key cannot be recovered. {key.state === 'disabled' && accessKey.state === 'enabled' ? 'The key is now disabled; ' : ''}
          Confirm to delete it.
        </Text>
      )}
    </ConfirmModal>
  );
}
