/**
 * Step-up verification (seed 002: "authenticate your account by verifying your email address";
 * seed 004: MFA on re-activation). When the server answers STEP_UP_REQUIRED, the API client
 * asks this provider; the dialog sends or asks for a code, and the request is retried once the
 * session is verified.
 */
import { Alert, Anchor, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { createContext, use, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { useStartStepUp, useVerifyStepUp } from '../api/mutations';
import type { StepUpMethod, StepUpStart } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';

type Ask = (method: StepUpMethod, action: string) => Promise<boolean>;

const StepUpContext = createContext<Ask | null>(null);

export function useStepUp(): Ask {
  const ask = use(StepUpContext);
  if (!ask) throw new Error('useStepUp outside StepUpProvider');
  return ask;
}

interface Pending {
  id: number;
  method: StepUpMethod;
  action: string;
  promise: Promise<boolean>;
  resolve: (verified: boolean) => void;
}

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);
  const counter = useRef(0);

  const ask = useCallback<Ask>((method, action) => {
    // Two requests needing verification at once share one dialog.
    if (current.current) return current.current.promise;
    let resolve!: (verified: boolean) => void;
    const promise = new Promise<boolean>((r) => {
      resolve = r;
    });
    const next: Pending = { id: ++counter.current, method, action, promise, resolve };
    current.current = next;
    setPending(next);
    return promise;
  }, []);

  const finish = (verified: boolean) => {
    current.current?.resolve(verified);
    current.current = null;
    setPending(null);
  };

  return (
    <StepUpContext value={ask}>
      {children}
      {pending && <StepUpDialog key={pending.id} method={pending.method} action={pending.action} onDone={finish} />}
    </StepUpContext>
  );
}

function StepUpDialog({ method, action, onDone }: { method: StepUpMethod; action: string; onDone: (verified: boolean) => void }) {
  const [code, setCode] = useState('');
  // The last code sent stays on show even if sending a new one fails.
  const [sent, setSent] = useState<StepUpStart | null>(null);
  const sending = useStartStepUp();
  const verifying = useVerifyStepUp();
  const startError = sending.error;
  const started = useRef(false);

  const { mutate: send } = sending;
  const start = useCallback(() => send(undefined, { onSuccess: setSent }), [send]);

  // The code goes out as soon as the dialog opens: one click less for the user. (The ref keeps
  // React's development double-run from sending two.)
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start();
  }, [start]);

  const verify = () => verifying.mutate(code.replace(/\s+/g, ''), { onSuccess: () => onDone(true) });

  const notEnrolled = startError instanceof ApiError && startError.code === 'TOTP_NOT_ENROLLED';
  const byEmail = method === 'email';
  return (
    <Modal opened onClose={() => onDone(false)} title="Verify it's you" centered closeOnClickOutside={false}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          verify();
        }}
      >
        <Stack gap="md">
          <Text size="sm">
            To {action}, confirm your identity {byEmail ? 'with a code sent to your email address' : 'with a code from your authenticator app'}.
          </Text>
          {byEmail && sent?.sentTo && (
            <Alert color="blue" variant="light" role="status">
              We sent a 6-digit code to <strong>{sent.sentTo}</strong>
              {sent.expiresAt && (
                <>
                  {' '}
                  (valid until <DateTime value={sent.expiresAt} />)
                </>
              )}
              .
            </Alert>
          )}
          {notEnrolled ? (
            <Alert color="orange" variant="light" title="No authenticator app yet">
              {(startError as ApiError).message}{' '}
              <Anchor component={Link} to="/settings/security" onClick={() => onDone(false)}>
                Open Personal Settings → Security
              </Anchor>
            </Alert>
          ) : (
            startError !== null && <ErrorAlert error={startError} title="The code could not be sent" />
          )}
          {!notEnrolled && (
            <TextInput
              label="Verification code"
              description={byEmail ? 'The 6 digits from the email' : 'The 6 digits your authenticator app shows now'}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              data-autofocus
              required
            />
          )}
          {verifying.error !== null && <ErrorAlert error={verifying.error} title="Not verified" />}
          <Group justify="space-between">
            {byEmail ? (
              <Button variant="subtle" size="xs" onClick={start}>
                Send a new code
              </Button>
            ) : (
              <span />
            )}
            <Group gap="sm">
              <Button variant="default" onClick={() => onDone(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={verifying.isPending} disabled={notEnrolled || code.replace(/\s+/g, '').length !== 6}>
                Verify
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
