/**
 * The tenant policy: every field the server returns, the known ones with their meaning (DESIGN's
 * policy table), any newer one with a plain input of its type, so nothing the server has is
 * hidden from the admin. PUT sends the whole policy back.
 */
import { Alert, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { usePolicy } from '../api/queries';
import type { Policy } from '../api/types';
import { ErrorAlert } from '../ui/error-alert';
import { Loading } from '../ui/loading';

const KNOWN = new Set([
  'memberKeyLimit',
  'adminKeyLimit',
  'defaultValidityDays',
  'allowNeverExpires',
  'deleteRequiresDisabled',
  'accessRecordRetentionDays',
  'secretReveal',
  'stepUp',
  'stepUpMinutes',
  'expiryReminderDays',
  'replayProtection',
]);

/** A number, or null meaning "any number" / "never" — a checkbox switches between them. */
function OptionalNumber({ label, description, nullLabel, value, fallback, min, max, onChange }: {
  label: string;
  description: string;
  nullLabel: string;
  value: number | null;
  fallback: number;
  min: number;
  max: number;
  onChange: (v: number | null) => void;
}) {
  return (
    <Stack gap={6}>
      <NumberInput label={label} description={description} value={value ?? ''} min={min} max={max} allowDecimal={false} disabled={value === null} onChange={(v) => onChange(typeof v === 'number' ? v : fallback)} />
      <Checkbox label={nullLabel} checked={value === null} onChange={(e) => onChange(e.currentTarget.checked ? null : fallback)} />
    </Stack>
  );
}

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

export function PolicyPage() {
  const policy = usePolicy();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Policy | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (policy.data) setDraft(policy.data);
  }, [policy.data]);
  if (policy.isPending) return <Loading label="Loading the policy…" />;
  if (policy.isError) return <ErrorAlert error={policy.error} title="The policy could not be loaded" onRetry={() => void policy.refetch()} />;
  if (!draft) return null;
  const set = <K extends keyof Policy>(field: K, value: Policy[K]) => setDraft({ ...draft, [field]: value });
  const has = (field: string) => field in policy.data;
  const changed = JSON.stringify(draft) !== JSON.stringify(policy.data);
  const extra = Object.keys(policy.data).filter((f) => !KNOWN.has(f));

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await api<Policy>('PUT', '/v1/policy', draft);
      client.setQueryData(['policy'], saved);
      await client.invalidateQueries({ queryKey: ['me'] });
      notifications.show({ message: 'The policy is saved.', color: 'teal' });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
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
        <Block title="Quotas">
          <OptionalNumber
            label="Keys a member may hold"
            description="Keys that are not deleted count, enabled or disabled."
            nullLabel="Any number"
            value={draft.memberKeyLimit}
            fallback={2}
            min={1}
            max={1000}
            onChange={(v) => set('memberKeyLimit', v)}
          />
          <OptionalNumber
            label="Keys an administrator may hold"
            description="The same count, for administrators."
            nullLabel="Any number"
            value={draft.adminKeyLimit}
            fallback={10}
            min={1}
            max={1000}
            onChange={(v) => set('adminKeyLimit', v)}
          />
        </Block>
        <Block title="Validity">
          <OptionalNumber
            label="Default validity of a new key (days)"
            description="Used when the creator does not choose one."
            nullLabel="Never expires by default"
            value={draft.defaultValidityDays}
            fallback={365}
            min={1}
            max={3650}
            onChange={(v) => set('defaultValidityDays', v)}
          />
          <Switch label="Keys that never expire are allowed" checked={draft.allowNeverExpires} onChange={(e) => set('allowNeverExpires', e.currentTarget.checked)} />
          {has('expiryReminderDays') && (
            <NumberInput
              label="Expiry reminder (days before)"
              description="Administrators, the key's creator and its owner get a bell notification and an email. 0 sends no reminder."
              value={draft.expiryReminderDays ?? 0}
              min={0}
              max={30}
              allowDecimal={false}
              onChange={(v) => set('expiryReminderDays', typeof v === 'number' ? v : 0)}
            />
          )}
        </Block>
        <Block title="Secrets and verification">
          {has('secretReveal') && (
            <Select
              label="A secret can be shown again later"
              data={[
                { value: 'never', label: 'Never: shown once, at creation' },
                { value: 'after-step-up', label: 'After step-up verification' },
              ]}
              value={draft.secretReveal ?? 'never'}
              allowDeselect={false}
              onChange={(v) => v && set('secretReveal', v as Policy['secretReveal'])}
            />
          )}
          {has('stepUp') && (
            <Select
              label="Step-up verification for create, reveal, regenerate and re-enable"
              data={[
                { value: 'none', label: 'None' },
                { value: 'email', label: 'Email code (needs SMTP on the server)' },
                { value: 'totp', label: 'Authenticator app (TOTP)' },
              ]}
              value={draft.stepUp ?? 'none'}
              allowDeselect={false}
              onChange={(v) => v && set('stepUp', v as Policy['stepUp'])}
            />
          )}
          {has('stepUpMinutes') && (
            <NumberInput
              label="One verification lasts (minutes)"
              value={draft.stepUpMinutes ?? 20}
              min={1}
              max={120}
              allowDecimal={false}
              onChange={(v) => set('stepUpMinutes', typeof v === 'number' ? v : 20)}
            />
          )}
          {has('replayProtection') && (
            <Switch
              label="Refuse replayed signed requests"
              description="A request signed with AWS Signature V4 or Tencent TC3 is accepted once: the same signature sent again within its validity window fails with SIGNATURE_REPLAYED. A presigned URL then works only once."
              checked={draft.replayProtection === true}
              onChange={(e) => set('replayProtection', e.currentTarget.checked)}
            />
          )}
          {!has('stepUp') && (
            <Text size="sm" c="dimmed">
              This server does not offer secret reveal or step-up verification.
            </Text>
          )}
        </Block>
        <Block title="Deleting and records">
          <Switch
            label="Only a disabled key can be deleted"
            description="Deleting then takes two steps: disable, then delete."
            checked={draft.deleteRequiresDisabled}
            onChange={(e) => set('deleteRequiresDisabled', e.currentTarget.checked)}
          />
          <NumberInput
            label="Access records are kept for (days)"
            value={draft.accessRecordRetentionDays}
            min={1}
            max={3650}
            allowDecimal={false}
            onChange={(v) => set('accessRecordRetentionDays', typeof v === 'number' ? v : 90)}
          />
        </Block>
        {extra.length > 0 && (
          <Block title="Other settings">
            {extra.map((field) => {
              const value = draft[field];
              if (typeof value === 'boolean') return <Switch key={field} label={field} checked={value} onChange={(e) => set(field, e.currentTarget.checked)} />;
              if (typeof value === 'number') return <NumberInput key={field} label={field} value={value} onChange={(v) => set(field, typeof v === 'number' ? v : value)} />;
              return <TextInput key={field} label={field} value={value === null ? '' : String(value)} onChange={(e) => set(field, e.currentTarget.value)} />;
            })}
          </Block>
        )}
        {error !== null && <ErrorAlert error={error} title="The policy was not saved" />}
        {changed && (
          <Alert color="blue" variant="light" role="status">
            You have unsaved changes.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} disabled={!changed}>
            Save policy
          </Button>
          <Button variant="default" disabled={!changed || busy} onClick={() => setDraft(policy.data)}>
            Discard changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
