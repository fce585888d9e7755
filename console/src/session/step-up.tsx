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
  // The last emailed code, while it is valid: a dialog opened again shortly after shows it was
  // sent (the server sends one per 30 s) instead of an error.
  const lastSent = useRef<StepUpStart | null>(null);

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
      {pending && (
        <StepUpDialog
          key={pending.id}
          method={pending.method}
          action={pending.action}
          onDone={finish}
          earlier={lastSent.current?.expiresAt && Date.parse(lastSent.current.expiresAt) > Date.now() ? lastSent.current : null}
          onSent={(started) => {
            lastSent.current = started;
          }}
        />
      )}
    </StepUpContext>
  );
}

/** The server's "a code was sent moments ago; wait N s": not a failure, the earlier code still works. */
function cooldownOf(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.code !== 'TOO_MANY_ATTEMPTS') return null;
  const seconds = error.details?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : null;
}

function StepUpDialog({
  method,
  action,
  onDone,
  earlier,
  onSent,
}: {
  method: StepUpMethod;
  action: string;
  onDone: (verified: boolean) => void;
  earlier: StepUpStart | null;
  onSent: (started: StepUpStart) => void;
}) {
  const [code, setCode] = useState('');
  // The last code sent stays on show even if sending a new one fails (or must wait).
  const [sent, setSent] = useState<StepUpStart | null>(earlier);
  const sending = useStartStepUp();
  const verifying = useVerifyStepUp();
  const startError = sending.error;
  const started = useRef(false);
  // When a new code may be asked for, counted down each second.
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (waitUntil === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [waitUntil]);
  const waitLeft = waitUntil === null ? 0 : Math.max(0, Math.ceil((waitUntil - now) / 1000));

  const { mutate: send } = sending;
  const start = useCallback(
    () =>
      send(undefined, {
        onSuccess: (started) => {
          setSent(started);
          onSent(started);
          setWaitUntil(null);
        },
        onError: (error) => {
          const seconds = cooldownOf(error);
          if (seconds === null) return;
          const at = Date.now();
          setNow(at);
          setWaitUntil(at + seconds * 1000);
        },
      }),
    [send, onSent],
  );
  const coolingDown = cooldownOf(startError) !== null;

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
            startError !== null && !coolingDown && <ErrorAlert error={startError} title="The code could not be sent" />
          )}
          {byEmail && coolingDown && (
            <Text size="sm" c="dimmed" role="status">
              {sent ? 'The code sent moments ago is still valid: enter it below.' : 'A code was sent moments ago: enter the one from that email.'}
              {waitLeft > 0 ? ` You can ask for a new code in ${waitLeft} s.` : ' You can ask for a new code now.'}
            </Text>
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
              <Button variant="subtle" size="xs" onClick={start} disabled={coolingDown && waitLeft > 0}>
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
