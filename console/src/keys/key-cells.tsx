/** The pieces of a key row, shared by the table, the small-screen cards and the details pane. */
import { Anchor, Badge, Button, Code, Group, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { IconEye, IconEyeOff } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { useRevealKey } from '../api/mutations';
import { useSession, useUser } from '../api/queries';
import type { AccessKey } from '../api/wire';
import { CopyAction } from '../ui/copy-field';
import { DateTime } from '../ui/date-time';
import { errorMessage } from '../ui/error-alert';
import { useKeyActions } from './key-actions';

export const MASK = '••••••••••••••••';

/** How long a revealed secret stays on screen before it is masked again. */
export const REVEAL_VISIBLE_MS = 30_000;

/** A badge keeps its whole word: it never shrinks into "DEL…" when its column is narrow. */
const WHOLE_BADGE = { root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } } as const;

/**
 * Why a key that is enabled still cannot be used, from its owner: disabled, or a member without
 * programmatic access (verification refuses both). null when nothing in the owner stops it.
 */
export function useOwnerBlock(accessKey: AccessKey): string | null {
  const me = useSession();
  const self = accessKey.ownerId === me.user.id;
  const other = useUser(self || accessKey.state === 'deleted' ? null : accessKey.ownerId);
  const owner = self ? me.user : other.data;
  if (!owner || accessKey.state === 'deleted') return null;
  if (owner.status === 'disabled') return self ? 'Your account is disabled.' : 'The owner is disabled.';
  if (owner.role === 'member' && !owner.programmaticAccess) return self ? 'You do not have programmatic access.' : 'The owner does not have programmatic access.';
  return null;
}

/** "Cannot be used" and why, under a key's state. */
function OwnerBlockNote({ accessKey }: { accessKey: AccessKey }) {
  const reason = useOwnerBlock(accessKey);
  if (reason === null) return null;
  return (
    <Stack gap={2}>
      <Badge color="red" variant="light" styles={WHOLE_BADGE}>
        Cannot be used
      </Badge>
      <Text size="xs" c="red.8" maw={220}>
        {reason}
      </Text>
    </Stack>
  );
}

export function StateBadges({ accessKey }: { accessKey: AccessKey }) {
  const color = accessKey.state === 'enabled' ? 'teal' : accessKey.state === 'disabled' ? 'gray' : 'red';
  const label = accessKey.state === 'enabled' ? 'Enabled' : accessKey.state === 'disabled' ? 'Disabled' : 'Deleted';
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="nowrap">
        <Badge color={color} variant="light" styles={WHOLE_BADGE}>
          {label}
        </Badge>
        {accessKey.expired && accessKey.state !== 'deleted' && (
          <Badge color="orange" variant="light" styles={WHOLE_BADGE}>
            Expired
          </Badge>
        )}
        <LeakBadge accessKey={accessKey} />
      </Group>
      <OwnerBlockNote accessKey={accessKey} />
    </Stack>
  );
}

/** A key whose token was reported found in the wild (POST /v1/leaks, or revoked by its holder): a warning until it is rotated or deleted. */
export function LeakBadge({ accessKey }: { accessKey: AccessKey }) {
  if (!accessKey.leak || accessKey.state === 'deleted') return null;
  return (
    <Badge color="red" variant="filled" title={accessKey.leak.url ? `Found at ${accessKey.leak.url}` : 'Reported leaked'}>
      Leaked
    </Badge>
  );
}

/** Seed 004's slider: on = active; moving it asks for confirmation first. */
export function StateSwitch({ accessKey }: { accessKey: AccessKey }) {
  const actions = useKeyActions();
  if (accessKey.state === 'deleted') return <StateBadges accessKey={accessKey} />;
  const on = accessKey.state === 'enabled';
  return (
    <Stack gap={4}>
      <Group gap={6} wrap="nowrap">
        <Switch
          checked={on}
          onChange={() => actions.run(on ? 'disable' : 'enable', accessKey)}
          label={on ? 'Enabled' : 'Disabled'}
          aria-label={`${accessKey.name} (${accessKey.accessKeyId}) is ${on ? 'enabled' : 'disabled'}`}
          size="sm"
          styles={{ label: { whiteSpace: 'nowrap' } }}
        />
        {accessKey.expired && (
          <Badge color="orange" variant="light" styles={WHOLE_BADGE}>
            Expired
          </Badge>
        )}
        <LeakBadge accessKey={accessKey} />
      </Group>
      <OwnerBlockNote accessKey={accessKey} />
    </Stack>
  );
}

/** A verifier key is an API key that may only ask Latchkey to verify keys (for an API or gateway). */
export function VerifierBadge({ accessKey }: { accessKey: AccessKey }) {
  if (!accessKey.verifier) return null;
  return (
    <Tooltip label="For your API or gateway: it may only ask Latchkey to verify keys." multiline w={240} withArrow>
      <Badge color="violet" variant="light" size="sm" tabIndex={0} styles={WHOLE_BADGE}>
        Verifier
      </Badge>
    </Tooltip>
  );
}

export function KeyTypeText({ accessKey }: { accessKey: AccessKey }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span>{accessKey.type === 'access' ? 'Access' : 'API'}</span>
      <VerifierBadge accessKey={accessKey} />
    </Group>
  );
}

export function KeyIdCell({ accessKey }: { accessKey: AccessKey }) {
  return (
    // The name first and prominent; the ID beneath in monospace, with its copy button.
    <div>
      <Group gap={6} wrap="nowrap">
        <Text size="sm" fw={600} truncate maw={200} title={accessKey.name}>
          {accessKey.name}
        </Text>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {accessKey.type === 'access' ? 'Access' : 'API'} key
        </Text>
        <VerifierBadge accessKey={accessKey} />
      </Group>
      <Group gap={2} wrap="nowrap">
        <Code>{accessKey.accessKeyId}</Code>
        <CopyAction label={`Access Key ID ${accessKey.accessKeyId}`} value={accessKey.accessKeyId} />
      </Group>
    </div>
  );
}

/**
 * Masked; Show/Hide where the tenant lets secrets be shown again (after step-up, seeds 000,
 * 002), otherwise a note that it was shown once (seeds 001, 003).
 */
export function SecretCell({ accessKey, hideAfterMs = REVEAL_VISIBLE_MS }: { accessKey: AccessKey; hideAfterMs?: number }) {
  const me = useSession();
  const reveal = useRevealKey();
  // Hide forgets the secret: it lives only in this mutation's answer, never in the query cache.
  const revealed = reveal.data ?? null;
  const { reset } = reveal;
  // Masked again after a short time on screen…
  useEffect(() => {
    if (!revealed) return;
    const timer = window.setTimeout(reset, hideAfterMs);
    return () => window.clearTimeout(timer);
  }, [revealed, reset, hideAfterMs]);
  // …and as soon as the page moves on (another page, a tab, the key's details in the URL).
  const location = useLocation();
  const where = `${location.pathname}${location.search}`;
  const shownAt = useRef(where);
  useEffect(() => {
    if (shownAt.current !== where) reset();
    shownAt.current = where;
  }, [where, reset]);
  const error = reveal.error === null ? null : errorMessage(reveal.error);
  if (me.policy.secretReveal !== 'after-step-up' || accessKey.state === 'deleted') {
    return (
      <Tooltip label="The secret is shown only once, when it is generated. Regenerate the key to get a new one." multiline w={260} withArrow>
        <Text size="xs" c="dimmed" tabIndex={0}>
          {MASK.slice(0, 8)} shown once at creation
        </Text>
      </Tooltip>
    );
  }
  const show = () => reveal.mutate(accessKey.accessKeyId);
  return (
    <div>
      <Group gap={4} wrap="nowrap">
        {/* A fixed width: a revealed secret wraps inside it instead of widening the column. */}
        <Code data-testid="secret-value" w={140} style={{ flexShrink: 0, whiteSpace: 'normal', wordBreak: 'break-all' }}>
          {revealed ? revealed.secret : MASK}
        </Code>
        {revealed && <CopyAction label="Access Key Secret" value={revealed.secret} />}
        {revealed ? (
          <Button size="compact-xs" variant="subtle" leftSection={<IconEyeOff size={14} aria-hidden />} onClick={() => reveal.reset()} aria-label={`Hide the secret of ${accessKey.accessKeyId}`}>
            Hide
          </Button>
        ) : (
          <Button
            size="compact-xs"
            variant="subtle"
            leftSection={<IconEye size={14} aria-hidden />}
            onClick={show}
            loading={reveal.isPending}
            aria-label={`Show the secret of ${accessKey.accessKeyId}`}
          >
            Show
          </Button>
        )}
      </Group>
      {revealed && (
        <Text size="xs" c="dimmed">
          Masked again after {Math.round(hideAfterMs / 1000)} s
        </Text>
      )}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </div>
  );
}

export function ExpiresCell({ accessKey, dateOnly = false }: { accessKey: AccessKey; dateOnly?: boolean }) {
  return <DateTime value={accessKey.expiresAt} empty="Never" dateOnly={dateOnly} c={accessKey.expired ? 'orange' : undefined} />;
}

export function OwnerCell({ userId }: { userId: string }) {
  const user = useUser(userId);
  return (
    <Anchor component={Link} to={`/access/users/${encodeURIComponent(userId)}`} size="sm">
      {user.data ? user.data.email : user.isError ? userId : '…'}
    </Anchor>
  );
}
