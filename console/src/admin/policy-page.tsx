/**
 * The tenant policy. Which rules there are, their bounds, choices and defaults come from the
 * server (GET /v1/policy/rules, built from core's POLICY_RULE_SPECS); this page only adds the
 * words: a label and an explanation for each rule it knows, and a plain input named after the
 * rule for any newer one, so nothing the server has is hidden from the admin. PUT sends the
 * whole policy back.
 *
 * The form checks what it can before sending, with the server's own bounds: a number outside a
 * rule's range (or not whole) stays as typed, marked, and blocks Save — nothing is silently
 * changed. Secrets shown again need a step-up method. Whatever else the server refuses is shown
 * at its rule, in the form's words. Unsaved changes are not dropped without asking.
 */
import { Alert, Button, Checkbox, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState, type ReactNode } from 'react';
import { useBlocker } from 'react-router';
import { ApiError } from '../api/client';
import { useSavePolicy } from '../api/mutations';
import { usePolicy, usePolicyRules } from '../api/queries';
import type { Policy, PolicyRule } from '../api/wire';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';

type RuleName = PolicyRule['name'];

const BLOCKS = ['Quotas', 'Validity', 'Secrets and verification', 'Deleting and records', 'Usage control'] as const;

interface Wording {
  block: (typeof BLOCKS)[number];
  label: string;
  description?: string;
  /** For a rule that may be null: what null means, as a checkbox label. */
  nullLabel?: string;
  /** The number offered when null is unticked, where the rule's default is null. */
  suggest?: number;
  choiceLabels?: Record<string, string>;
}

const WORDING: Partial<Record<RuleName, Wording>> = {
  defaultRatelimits: {
    block: 'Usage control',
    label: 'Default rate limits per key type (JSON)',
    description: 'For keys that name none of their own: {"access": [...], "api": [{"name": "requests", "limit": 100, "durationMs": 10000}]}. Windows from 1 s to 30 days.',
  },
  defaultIpAllowlist: {
    block: 'Usage control',
    label: 'Default IP allowlist (one CIDR block per line)',
    description: 'For keys that name none of their own; empty: any address. IPv4 or IPv6, e.g. 203.0.113.0/24 or 2001:db8::/32.',
  },
  memberKeyLimit: { block: 'Quotas', label: 'Keys a member may hold', description: 'Keys that are not deleted count, enabled or disabled.', nullLabel: 'Any number' },
  adminKeyLimit: { block: 'Quotas', label: 'Keys an administrator may hold', description: 'The same count, for administrators.', nullLabel: 'Any number', suggest: 10 },
  defaultValidityDays: {
    block: 'Validity',
    label: 'Default validity of a new key (days)',
    description: 'Used when the creator does not choose one.',
    nullLabel: 'Never expires by default',
  },
  allowNeverExpires: { block: 'Validity', label: 'Keys that never expire are allowed' },
  disableUnusedAfterDays: {
    block: 'Validity',
    label: 'Disable keys unused for (days)',
    description:
      "A key not used for this long (since its last use, creation or re-enabling) is disabled. Administrators, the key's creator and its owner get a bell notification and an email 7 days before.",
    nullLabel: 'Never disable unused keys',
    suggest: 180,
  },
  expiryReminderDays: {
    block: 'Validity',
    label: 'Expiry reminder (days before)',
    description: "Administrators, the key's creator and its owner get a bell notification and an email. 0 sends no reminder.",
  },
  secretReveal: {
    block: 'Secrets and verification',
    label: 'A secret can be shown again later',
    choiceLabels: { never: 'Never: shown once, at creation', 'after-step-up': 'After step-up verification' },
  },
  stepUp: {
    block: 'Secrets and verification',
    label: 'Step-up verification for create, reveal, regenerate and re-enable',
    choiceLabels: { none: 'None', email: 'Email code (needs SMTP on the server)', totp: 'Authenticator app (TOTP)' },
  },
  stepUpMinutes: { block: 'Secrets and verification', label: 'One verification lasts (minutes)' },
  replayProtection: {
    block: 'Secrets and verification',
    label: 'Refuse replayed signed requests',
    description:
      'A request signed with AWS Signature V4 or Tencent TC3 is accepted once: the same signature sent again within its validity window fails with SIGNATURE_REPLAYED. A presigned URL then works only once.',
  },
  leakResponse: {
    block: 'Secrets and verification',
    label: 'A key reported leaked is',
    description: 'Reported by a secret scanner (POST /v1/leaks). The owner and administrators get a bell notification and an email saying where it was found either way.',
    choiceLabels: { disable: 'Disabled at once', flag: 'Only flagged (stays usable)' },
  },
  deleteRequiresDisabled: { block: 'Deleting and records', label: 'Only a disabled key can be deleted', description: 'Deleting then takes two steps: disable, then delete.' },
  accessRecordRetentionDays: { block: 'Deleting and records', label: 'Access records are kept for (days)' },
  accessRecordsPerKey: {
    block: 'Deleting and records',
    label: 'Detailed attempts kept per key',
    description: 'The latest successes and, apart from them, as many latest failures. Every attempt is still counted for the charts.',
  },
};

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      <Stack gap="md">{children}</Stack>
    </Paper>
  );
}

/** The control for one rule, by what the server says it accepts. */
function RuleInput({ rule, value, error, onChange }: { rule: PolicyRule; value: DraftValue; error: string | undefined; onChange: (value: DraftValue) => void }) {
  const wording = WORDING[rule.name];
  const label = wording?.label ?? rule.name;
  const description = wording?.description;
  if (rule.kind === 'boolean') {
    return <Switch label={label} description={description} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} error={error} />;
  }
  if (rule.kind === 'choice') {
    return (
      <Select
        label={label}
        description={description}
        error={error}
        data={rule.choices.map((choice) => ({ value: choice, label: wording?.choiceLabels?.[choice] ?? choice }))}
        value={typeof value === 'string' ? value : rule.default}
        allowDeselect={false}
        onChange={(v) => v && onChange(v as Policy[RuleName])}
      />
    );
  }
  if (rule.kind === 'ratelimits') return <JsonRuleInput label={label} description={description} error={error} value={value} onChange={onChange} />;
  if (rule.kind === 'cidrs') {
    const lines = Array.isArray(value) ? (value as string[]).join('\n') : '';
    return (
      <Textarea
        label={label}
        description={description}
        error={error}
        autosize
        minRows={2}
        defaultValue={lines}
        onChange={(e) =>
          onChange(
            e.currentTarget.value
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l.length > 0) as Policy[RuleName],
          )
        }
      />
    );
  }
  const fallback = rule.default ?? wording?.suggest ?? rule.minimum;
  // What was typed stays as typed (no clamping, no rounding): a wrong number is marked, not changed.
  const input = (
    <NumberInput
      label={label}
      description={description}
      value={typeof value === 'number' || typeof value === 'string' ? value : ''}
      clampBehavior="none"
      allowDecimal
      allowNegative
      error={error}
      disabled={rule.nullable && value === null}
      onChange={(v) => onChange(v as DraftValue)}
    />
  );
  if (!rule.nullable) return input;
  // A number, or null meaning "any number" / "never": a checkbox switches between them.
  return (
    <Stack gap={6}>
      {input}
      <Checkbox label={wording?.nullLabel ?? `${rule.name}: none`} checked={value === null} onChange={(e) => onChange(e.currentTarget.checked ? null : fallback)} />
    </Stack>
  );
}

/** A rule edited as JSON text; the server checks it (and names the field) on save. */
function JsonRuleInput({
  label,
  description,
  error,
  value,
  onChange,
}: {
  label: string;
  description: string | undefined;
  error: string | undefined;
  value: DraftValue;
  onChange: (value: DraftValue) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [invalid, setInvalid] = useState<string | null>(null);
  return (
    <Textarea
      label={label}
      description={description}
      autosize
      minRows={3}
      styles={{ input: { fontFamily: 'monospace' } }}
      value={text}
      error={invalid ?? error}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        try {
          onChange(JSON.parse(next) as Policy[RuleName]);
          setInvalid(null);
        } catch {
          setInvalid('Not valid JSON yet.');
        }
      }}
    />
  );
}

/** A rule's value in the form: a number input may hold text that is not a number yet. */
type DraftValue = Policy[RuleName] | string | undefined;
type Draft = Partial<Record<RuleName, DraftValue>>;

const REVEAL_NEEDS_STEP_UP = 'Showing a secret again needs a step-up verification: choose an email code or an authenticator app below, or keep secrets shown only once.';

/** What the form refuses before sending, by the rules the server listed (the same bounds it applies). */
export function draftProblems(draft: Draft, rules: readonly PolicyRule[]): Partial<Record<RuleName, string>> {
  const problems: Partial<Record<RuleName, string>> = {};
  for (const rule of rules) {
    if (rule.kind !== 'integer') continue;
    const v = draft[rule.name];
    if (v === null && rule.nullable) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < rule.minimum || v > rule.maximum) problems[rule.name] = `Enter a whole number from ${rule.minimum} to ${rule.maximum}.`;
  }
  if (draft.secretReveal === 'after-step-up' && draft.stepUp === 'none') problems.secretReveal = REVEAL_NEEDS_STEP_UP;
  return problems;
}

/** The server's words with its rule names replaced by the form's labels ("is false" reads "is off"). */
function inFormWords(message: string, rules: readonly PolicyRule[]): string {
  let text = message;
  for (const rule of rules) {
    const label = WORDING[rule.name]?.label;
    if (label) text = text.replace(new RegExp(`\\b${rule.name}\\b`, 'g'), `“${label}”`);
  }
  return text.replace(/ is false\b/g, ' is off').replace(/ is true\b/g, ' is on');
}

/** Asks before unsaved changes go (leaving the page, or "Discard changes"). */
function DiscardDialog({ opened, onStay, onDiscard }: { opened: boolean; onStay: () => void; onDiscard: () => void }) {
  return (
    <Modal opened={opened} onClose={onStay} title="Discard unsaved changes?" centered>
      <Stack gap="md">
        <Text size="sm">The policy has changes that are not saved. Discard them, or stay to save them?</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onStay} data-autofocus>
            Stay
          </Button>
          <Button color="red" onClick={onDiscard}>
            Discard
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PolicyPage() {
  const policy = usePolicy();
  const rules = usePolicyRules();
  const save = useSavePolicy();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [askDiscard, setAskDiscard] = useState(false);
  useEffect(() => {
    if (policy.data) setDraft(policy.data);
  }, [policy.data]);
  const changed = draft !== null && policy.data !== undefined && JSON.stringify(draft) !== JSON.stringify(policy.data);
  // Leaving the page (a link, Back) with unsaved changes asks first; so does closing the tab.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => changed && !save.isPending && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!changed) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [changed]);
  if (policy.isPending || rules.isPending) return <Loading label="Loading the policy…" />;
  if (policy.isError) return <ErrorAlert error={policy.error} title="The policy could not be loaded" onRetry={() => void policy.refetch()} />;
  if (rules.isError) return <ErrorAlert error={rules.error} title="The policy rules could not be loaded" onRetry={() => void rules.refetch()} />;
  if (!draft) return null;
  const problems = draftProblems(draft, rules.data);
  const valid = Object.keys(problems).length === 0;
  // The server's refusal of the last save, at the rule it names.
  const refused = save.error instanceof ApiError && typeof save.error.details?.field === 'string' ? (save.error.details.field as RuleName) : null;
  const refusal = save.error === null ? null : inFormWords(save.error instanceof Error ? save.error.message : String(save.error), rules.data);
  const input = (rule: PolicyRule) => (
    <RuleInput
      key={rule.name}
      rule={rule}
      value={draft[rule.name]}
      error={problems[rule.name] ?? (refused === rule.name && refusal !== null ? refusal : undefined)}
      onChange={(value) => {
        save.reset();
        setDraft({ ...draft, [rule.name]: value });
      }}
    />
  );
  const others = rules.data.filter((rule) => WORDING[rule.name] === undefined);
  const discard = () => {
    save.reset();
    setDraft(policy.data);
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        save.mutate(draft as Policy, { onSuccess: () => notifications.show({ message: 'The policy is saved.', color: 'teal' }) });
      }}
      noValidate
    >
      <Stack gap="md" maw={760}>
        <div>
          <Title order={1} size="h2">
            Policy
          </Title>
          <Text size="sm" c="dimmed">
            Rules for every key in this tenant. Changes apply to new actions at once; existing keys keep their expiry.
          </Text>
        </div>
        {BLOCKS.map((block) => {
          const inBlock = rules.data.filter((rule) => WORDING[rule.name]?.block === block);
          return inBlock.length === 0 ? null : (
            <Block key={block} title={block}>
              {inBlock.map(input)}
            </Block>
          );
        })}
        {others.length > 0 && <Block title="Other settings">{others.map(input)}</Block>}
        {save.error !== null && (
          <Alert color="red" variant="light" title="The policy was not saved" role="alert">
            {refusal}
          </Alert>
        )}
        {changed && (
          <Alert color="blue" variant="light" role="status">
            {valid ? 'You have unsaved changes.' : 'You have unsaved changes. Correct the marked rules to save them.'}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!changed || !valid}>
            Save policy
          </Button>
          <Button variant="default" disabled={!changed || save.isPending} onClick={() => setAskDiscard(true)}>
            Discard changes
          </Button>
        </Group>
      </Stack>
      <DiscardDialog
        opened={askDiscard || blocker.state === 'blocked'}
        onStay={() => {
          setAskDiscard(false);
          if (blocker.state === 'blocked') blocker.reset();
        }}
        onDiscard={() => {
          setAskDiscard(false);
          discard();
          if (blocker.state === 'blocked') blocker.proceed();
        }}
      />
    </form>
  );
}
