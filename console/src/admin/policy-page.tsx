/**
 * The tenant policy. Which rules there are, their bounds, choices and defaults come from the
 * server (GET /v1/policy/rules, built from core's POLICY_RULE_SPECS); this page only adds the
 * words: a label and an explanation for each rule it knows, and a plain input named after the
 * rule for any newer one, so nothing the server has is hidden from the admin. PUT sends the
 * whole policy back.
 */
import { Alert, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState, type ReactNode } from 'react';
import { useSavePolicy } from '../api/mutations';
import { usePolicy, usePolicyRules } from '../api/queries';
import type { Policy, PolicyRule } from '../api/wire';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';

type RuleName = PolicyRule['name'];

const BLOCKS = ['Quotas', 'Validity', 'Secrets and verification', 'Deleting and records'] as const;

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
  memberKeyLimit: { block: 'Quotas', label: 'Keys a member may hold', description: 'Keys that are not deleted count, enabled or disabled.', nullLabel: 'Any number' },
  adminKeyLimit: { block: 'Quotas', label: 'Keys an administrator may hold', description: 'The same count, for administrators.', nullLabel: 'Any number', suggest: 10 },
  defaultValidityDays: {
    block: 'Validity',
    label: 'Default validity of a new key (days)',
    description: 'Used when the creator does not choose one.',
    nullLabel: 'Never expires by default',
  },
  allowNeverExpires: { block: 'Validity', label: 'Keys that never expire are allowed' },
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
function RuleInput({ rule, value, onChange }: { rule: PolicyRule; value: Policy[RuleName]; onChange: (value: Policy[RuleName]) => void }) {
  const wording = WORDING[rule.name];
  const label = wording?.label ?? rule.name;
  const description = wording?.description;
  if (rule.kind === 'boolean') {
    return <Switch label={label} description={description} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  }
  if (rule.kind === 'choice') {
    return (
      <Select
        label={label}
        description={description}
        data={rule.choices.map((choice) => ({ value: choice, label: wording?.choiceLabels?.[choice] ?? choice }))}
        value={typeof value === 'string' ? value : rule.default}
        allowDeselect={false}
        onChange={(v) => v && onChange(v as Policy[RuleName])}
      />
    );
  }
  const number = typeof value === 'number' ? value : null;
  const fallback = rule.default ?? wording?.suggest ?? rule.minimum;
  const input = (
    <NumberInput
      label={label}
      description={description}
      value={number ?? ''}
      min={rule.minimum}
      max={rule.maximum}
      allowDecimal={false}
      disabled={rule.nullable && number === null}
      onChange={(v) => onChange(typeof v === 'number' ? v : (number ?? fallback))}
    />
  );
  if (!rule.nullable) return input;
  // A number, or null meaning "any number" / "never": a checkbox switches between them.
  return (
    <Stack gap={6}>
      {input}
      <Checkbox label={wording?.nullLabel ?? `${rule.name}: none`} checked={number === null} onChange={(e) => onChange(e.currentTarget.checked ? null : fallback)} />
    </Stack>
  );
}

export function PolicyPage() {
  const policy = usePolicy();
  const rules = usePolicyRules();
  const save = useSavePolicy();
  const [draft, setDraft] = useState<Policy | null>(null);
  useEffect(() => {
    if (policy.data) setDraft(policy.data);
  }, [policy.data]);
  if (policy.isPending || rules.isPending) return <Loading label="Loading the policy…" />;
  if (policy.isError) return <ErrorAlert error={policy.error} title="The policy could not be loaded" onRetry={() => void policy.refetch()} />;
  if (rules.isError) return <ErrorAlert error={rules.error} title="The policy rules could not be loaded" onRetry={() => void rules.refetch()} />;
  if (!draft) return null;
  const changed = JSON.stringify(draft) !== JSON.stringify(policy.data);
  const input = (rule: PolicyRule) => <RuleInput key={rule.name} rule={rule} value={draft[rule.name]} onChange={(value) => setDraft({ ...draft, [rule.name]: value } as Policy)} />;
  const others = rules.data.filter((rule) => WORDING[rule.name] === undefined);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft, { onSuccess: () => notifications.show({ message: 'The policy is saved.', color: 'teal' }) });
      }}
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
        {save.error !== null && <ErrorAlert error={save.error} title="The policy was not saved" />}
        {changed && (
          <Alert color="blue" variant="light" role="status">
            You have unsaved changes.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!changed}>
            Save policy
          </Button>
          <Button
            variant="default"
            disabled={!changed || save.isPending}
            onClick={() => {
              save.reset();
              setDraft(policy.data);
            }}
          >
            Discard changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
