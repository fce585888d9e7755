/**
 * A key's usage controls in its details pane (issue 11): named rate limits, credits with refill,
 * the IP allowlist, metadata and the externalId of its identity. Administrators edit them; the
 * form checks what it can with the API's own limits, and the API's refusal (400 with
 * `details.field`) is shown at the field it names. Members see them read-only (the API refuses
 * them writes).
 */
import { ActionIcon, Badge, Button, Checkbox, Code, Group, NumberInput, Select, Stack, Switch, Table, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import { useUpdateKey } from '../api/mutations';
import type { AccessKey, BodyOf } from '../api/wire';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { Field } from '../ui/field';

// The API's own limits (src/core/usage-controls.ts and usage-controls-input.ts).
const MIN_DURATION_MS = 1_000;
const MAX_DURATION_MS = 30 * 24 * 3_600_000;
const RATELIMITS_MAX = 16;
const META_MAX_BYTES = 4_096;
const CREDITS_MAX = 1_000_000_000_000;
const NAME_RE = /^[a-z0-9_.-]{1,64}$/;
const EXTERNAL_ID_RE = /^[A-Za-z0-9_.:@|+-]{1,128}$/;

type Patch = BodyOf<'/v1/access-keys/{accessKeyId}', 'patch'>;
type Ratelimit = NonNullable<AccessKey['ratelimits']>[number];
type Refill = NonNullable<NonNullable<AccessKey['credits']>['refill']>;

const UNITS = [
  { value: 's', label: 'seconds', ms: 1_000 },
  { value: 'min', label: 'minutes', ms: 60_000 },
  { value: 'h', label: 'hours', ms: 3_600_000 },
  { value: 'day', label: 'days', ms: 86_400_000 },
] as const;
type Unit = (typeof UNITS)[number]['value'];

export interface LimitRow {
  id: number;
  name: string;
  limit: number | string;
  amount: number | string;
  unit: Unit;
}

/** A window in the largest unit that divides it (an odd number of ms shows in seconds, rounded: the API takes whole seconds from here). */
function windowOf(durationMs: number): { amount: number; unit: Unit } {
  for (const u of [...UNITS].reverse()) if (durationMs % u.ms === 0) return { amount: durationMs / u.ms, unit: u.value };
  return { amount: durationMs / 1_000, unit: 's' };
}

export function describeWindow(durationMs: number): string {
  const { amount, unit } = windowOf(durationMs);
  const label = UNITS.find((u) => u.value === unit)?.label ?? 'seconds';
  return `${amount} ${amount === 1 ? label.slice(0, -1) : label}`;
}

let nextRowId = 1;
export const rowOf = (r: Ratelimit): LimitRow => ({ id: nextRowId++, name: r.name, limit: r.limit, ...windowOf(r.durationMs) });

export interface FormState {
  rows: LimitRow[];
  /** With no rows: no limits at all (`[]`), not the tenant's default for the key type (`null`). */
  noDefaultLimits: boolean;
  /** With no blocks: any address (`[]`), not the tenant's default allowlist (`null`). */
  noDefaultIps: boolean;
  creditsOn: boolean;
  remaining: number | string;
  refill: 'none' | 'daily' | 'monthly';
  refillAmount: number | string;
  refillDay: number | string;
  ips: string;
  meta: string;
  externalId: string;
}

function initialState(key: AccessKey): FormState {
  const refill = key.credits?.refill ?? null;
  return {
    rows: (key.ratelimits ?? []).map(rowOf),
    noDefaultLimits: key.ratelimits !== null && key.ratelimits.length === 0,
    noDefaultIps: key.ipAllowlist !== null && key.ipAllowlist.length === 0,
    creditsOn: key.credits !== null,
    remaining: key.credits?.remaining ?? 0,
    refill: refill?.interval ?? 'none',
    refillAmount: refill?.amount ?? '',
    refillDay: refill?.refillDay ?? 1,
    ips: (key.ipAllowlist ?? []).join('\n'),
    meta: key.meta === null ? '' : JSON.stringify(key.meta, null, 2),
    externalId: key.externalId ?? '',
  };
}

export type Errors = Record<string, string>;

/** The limits of the form (null: none), noting their problems in `errors`. */
export function limitsOf(s: Pick<FormState, 'rows'>, errors: Errors): Ratelimit[] | null {
  const names = new Set<string>();
  const limits: Ratelimit[] = [];
  if (s.rows.length > RATELIMITS_MAX) errors.ratelimits = `At most ${RATELIMITS_MAX} limits.`;
  s.rows.forEach((row, i) => {
    const name = row.name.trim();
    if (!NAME_RE.test(name)) errors[`ratelimits.${i}.name`] = '1 to 64 characters of a-z, 0-9, "_", "." and "-".';
    else if (names.has(name)) errors[`ratelimits.${i}.name`] = 'Each limit needs its own name.';
    names.add(name);
    const limit = Number(row.limit);
    if (row.limit === '' || !Number.isSafeInteger(limit) || limit < 1) errors[`ratelimits.${i}.limit`] = 'A whole number of at least 1.';
    const unitMs = UNITS.find((u) => u.value === row.unit)?.ms ?? 1_000;
    const amount = Number(row.amount);
    const durationMs = Math.round(amount * unitMs);
    if (row.amount === '' || !Number.isFinite(amount) || durationMs < MIN_DURATION_MS || durationMs > MAX_DURATION_MS) {
      errors[`ratelimits.${i}.durationMs`] = 'From 1 second to 30 days.';
    }
    limits.push({ name, limit, durationMs });
  });
  return limits.length === 0 ? null : limits;
}

/** The credits of the form (null: unlimited), noting their problems in `errors`. */
export function creditsOf(s: Pick<FormState, 'creditsOn' | 'remaining' | 'refill' | 'refillAmount' | 'refillDay'>, errors: Errors): { remaining: number; refill: Refill | null } | null {
  if (!s.creditsOn) return null;
  const remaining = Number(s.remaining);
  if (s.remaining === '' || !Number.isSafeInteger(remaining) || remaining < 0 || remaining > CREDITS_MAX) errors['credits.remaining'] = `A whole number from 0 to ${CREDITS_MAX}.`;
  let refill: Refill | null = null;
  if (s.refill !== 'none') {
    const amount = Number(s.refillAmount);
    if (s.refillAmount === '' || !Number.isSafeInteger(amount) || amount < 1 || amount > CREDITS_MAX) errors['credits.refill.amount'] = `A whole number from 1 to ${CREDITS_MAX}.`;
    refill = { interval: s.refill, amount };
    if (s.refill === 'monthly') {
      const day = Number(s.refillDay);
      if (s.refillDay === '' || !Number.isInteger(day) || day < 1 || day > 31) errors['credits.refill.refillDay'] = 'A day of the month from 1 to 31.';
      refill.refillDay = day;
    }
  }
  return { remaining, refill };
}

/** The metadata of the form (null: none), noting its problem in `errors`. */
export function metaOf(s: Pick<FormState, 'meta'>, errors: Errors): Record<string, unknown> | null {
  if (s.meta.trim() === '') return null;
  let meta: unknown;
  try {
    meta = JSON.parse(s.meta);
  } catch (e) {
    errors.meta = `Not valid JSON: ${e instanceof Error ? e.message : 'parse error'}.`;
    return null;
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    errors.meta = 'Metadata must be a JSON object, such as {"plan": "pro"}.';
    return null;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(meta)).length;
  if (bytes > META_MAX_BYTES) errors.meta = `${bytes} bytes as JSON; at most ${META_MAX_BYTES} are allowed.`;
  return meta as Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The PATCH body from the form: only the fields that changed (credits are sent only when changed,
 * so saving a name change never resets a balance spent meanwhile), or the problems found.
 */
function patchOf(key: AccessKey, s: FormState): { patch: Patch; errors: Errors } {
  const errors: Errors = {};
  const patch: Patch = {};
  const ratelimits = limitsOf(s, errors) ?? (s.noDefaultLimits ? [] : null);
  if (!same(ratelimits, key.ratelimits)) patch.ratelimits = ratelimits;
  const credits = creditsOf(s, errors);
  if (!same(credits, key.credits === null ? null : { remaining: key.credits.remaining, refill: key.credits.refill })) patch.credits = credits;
  const ipAllowlist = ipsOf(s);
  if (!same(ipAllowlist, key.ipAllowlist)) patch.ipAllowlist = ipAllowlist;
  const meta = metaOf(s, errors);
  if (!('meta' in errors) && !same(meta, key.meta)) patch.meta = meta;
  const externalId = externalIdOf(s, errors);
  if (externalId !== key.externalId) patch.externalId = externalId;
  return { patch, errors };
}

/** The allowlist of the form: its lines, or with none `[]` (any address) or `null` (the tenant's default). */
function ipsOf(s: Pick<FormState, 'ips' | 'noDefaultIps'>): string[] | null {
  const ips = s.ips
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return ips.length === 0 ? (s.noDefaultIps ? [] : null) : ips;
}

/** The externalId of the form (null: none), noting its problem in `errors`. */
function externalIdOf(s: Pick<FormState, 'externalId'>, errors: Errors): string | null {
  const externalId = s.externalId.trim();
  if (externalId !== '' && !EXTERNAL_ID_RE.test(externalId)) errors.externalId = '1 to 128 letters, digits and _ . : @ | + -.';
  return externalId === '' ? null : externalId;
}

/** A new key's form: nothing set, so the key has the tenant's defaults. */
export function newKeyControls(): FormState {
  return { rows: [], noDefaultLimits: false, noDefaultIps: false, creditsOn: false, remaining: 0, refill: 'none', refillAmount: '', refillDay: 1, ips: '', meta: '', externalId: '' };
}

type CreateBody = BodyOf<'/v1/access-keys', 'post'>;
export type CreateControls = Pick<CreateBody, 'ratelimits' | 'credits' | 'ipAllowlist' | 'meta' | 'externalId'>;

/** What a new key's create body says of its controls: only what the form sets (left out: the tenant's defaults), or the problems found. */
export function createControlsOf(s: FormState): { fields: CreateControls; errors: Errors } {
  const errors: Errors = {};
  const ratelimits = limitsOf(s, errors) ?? (s.noDefaultLimits ? [] : null);
  const credits = creditsOf(s, errors);
  const ipAllowlist = ipsOf(s);
  const meta = metaOf(s, errors);
  const externalId = externalIdOf(s, errors);
  const fields: CreateControls = {
    ...(ratelimits !== null && { ratelimits }),
    ...(credits !== null && { credits }),
    ...(ipAllowlist !== null && { ipAllowlist }),
    ...(meta !== null && { meta }),
    ...(externalId !== null && { externalId }),
  };
  return { fields, errors };
}

/** Whether the API's refusal names one of the controls' fields (shown at that field rather than above the form). */
export function isControlsField(field: unknown): boolean {
  return typeof field === 'string' && /^(ratelimits|credits|ipAllowlist|meta|externalId)(\.|$)/.test(field);
}

/** The form field that shows the API's refusal of `field` (`ratelimits.0.limit`, `ipAllowlist.1`, `meta.password`). */
export function formFieldOf(field: string): string {
  if (field.startsWith('meta')) return 'meta';
  if (field.startsWith('ipAllowlist')) return 'ipAllowlist';
  if (field.startsWith('credits.refill.')) return field;
  if (field.startsWith('credits')) return field === 'credits.remaining' ? field : 'credits.remaining';
  if (/^ratelimits\.\d+\.(name|limit|durationMs)$/.test(field)) return field;
  if (field.startsWith('ratelimits')) return 'ratelimits';
  return field;
}

export function apiErrors(error: unknown, ips = ''): Errors | null {
  if (!(error instanceof ApiError) || error.status !== 400 || typeof error.details?.field !== 'string') return null;
  const field = error.details.field;
  const at = formFieldOf(field);
  let message = error.message;
  const line = /^ipAllowlist\.(\d+)$/.exec(field);
  if (line) {
    const entries = ips
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    message = `"${entries[Number(line[1])] ?? ''}" is not an IPv4 or IPv6 address or CIDR block (such as 203.0.113.0/24 or 2001:db8::/32).`;
  }
  return { [at]: message };
}

const MAX_WIDTH = { maw: 520 } as const;

type FieldsProps = { state: FormState; set: (patch: Partial<FormState>) => void; fieldError: (name: string) => string | undefined };

/** Named rate limits as rows: name, limit, window with its unit; add and remove. */
export function RateLimitRows({
  state,
  set,
  fieldError,
  description = 'At most "limit" units of cost per window, counted per key. With none of its own the key has the tenant\'s default limits for its type, if any.',
  withDefault = true,
}: FieldsProps & { description?: string; withDefault?: boolean }) {
  const setRow = (id: number, patch: Partial<LimitRow>) => set({ rows: state.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
  return (
    <Stack gap="xs">
      <Text fw={600} size="sm" id="ratelimits-title">
        Rate limits
      </Text>
      <Text size="xs" c="dimmed">
        {description}
      </Text>
      {state.rows.length > 0 && (
        <Table.ScrollContainer minWidth={500} type="native">
          <Table withRowBorders={false} verticalSpacing={4} aria-labelledby="ratelimits-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Limit</Table.Th>
                <Table.Th>Window</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Remove</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {state.rows.map((row, i) => (
                <Table.Tr key={row.id}>
                  <Table.Td valign="top">
                    <TextInput
                      aria-label={`Name of limit ${i + 1}`}
                      value={row.name}
                      onChange={(e) => setRow(row.id, { name: e.currentTarget.value })}
                      error={fieldError(`ratelimits.${i}.name`)}
                      maxLength={64}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td valign="top">
                    <NumberInput
                      aria-label={`Limit of limit ${i + 1}`}
                      value={row.limit}
                      onChange={(v) => setRow(row.id, { limit: v })}
                      error={fieldError(`ratelimits.${i}.limit`)}
                      allowDecimal={false}
                      size="xs"
                      w={110}
                    />
                  </Table.Td>
                  <Table.Td valign="top">
                    <Group gap={4} wrap="nowrap" align="flex-start">
                      <NumberInput
                        aria-label={`Window of limit ${i + 1}`}
                        value={row.amount}
                        onChange={(v) => setRow(row.id, { amount: v })}
                        error={fieldError(`ratelimits.${i}.durationMs`)}
                        allowNegative={false}
                        size="xs"
                        w={90}
                      />
                      <Select
                        aria-label={`Window unit of limit ${i + 1}`}
                        data={UNITS.map((u) => ({ value: u.value, label: u.label }))}
                        value={row.unit}
                        onChange={(v) => v !== null && setRow(row.id, { unit: v as Unit })}
                        allowDeselect={false}
                        size="xs"
                        w={110}
                        comboboxProps={{ withinPortal: true }}
                      />
                    </Group>
                  </Table.Td>
                  <Table.Td valign="top">
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove limit ${i + 1}`} onClick={() => set({ rows: state.rows.filter((r) => r.id !== row.id) })}>
                      <IconTrash size={16} aria-hidden />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {fieldError('ratelimits') && (
        <Text size="xs" c="red.8" role="alert">
          {fieldError('ratelimits')}
        </Text>
      )}
      {withDefault && state.rows.length === 0 && (
        <Checkbox
          label="No rate limits at all, not even the tenant's default for this key type"
          checked={state.noDefaultLimits}
          onChange={(e) => set({ noDefaultLimits: e.currentTarget.checked })}
        />
      )}
      <Group>
        <Button
          variant="subtle"
          size="xs"
          disabled={state.rows.length >= RATELIMITS_MAX}
          onClick={() => set({ rows: [...state.rows, { id: nextRowId++, name: state.rows.length === 0 ? 'requests' : '', limit: 100, amount: 1, unit: 'min' }] })}
        >
          Add rate limit
        </Button>
      </Group>
    </Stack>
  );
}

/** Credits on or off, how many are left, and the refill. */
export function CreditsFields({ state, set, fieldError }: FieldsProps) {
  return (
    <Stack gap="xs">
      <Switch
        label="Limit usage with credits"
        description="Each successful verification spends its cost; at zero the key answers USAGE_EXCEEDED until a refill."
        checked={state.creditsOn}
        onChange={(e) => set({ creditsOn: e.currentTarget.checked })}
      />
      {state.creditsOn && (
        <Group align="flex-start" gap="sm">
          <NumberInput
            label="Credits remaining"
            value={state.remaining}
            onChange={(v) => set({ remaining: v })}
            error={fieldError('credits.remaining')}
            allowDecimal={false}
            allowNegative={false}
            w={160}
          />
          <Select
            label="Refill"
            data={[
              { value: 'none', label: 'No refill' },
              { value: 'daily', label: 'Daily (00:00 UTC)' },
              { value: 'monthly', label: 'Monthly (00:00 UTC)' },
            ]}
            value={state.refill}
            onChange={(v) => v !== null && set({ refill: v as FormState['refill'] })}
            error={fieldError('credits.refill.interval')}
            allowDeselect={false}
            w={190}
            comboboxProps={{ withinPortal: true }}
          />
          {state.refill !== 'none' && (
            <NumberInput
              label="Refill to"
              value={state.refillAmount}
              onChange={(v) => set({ refillAmount: v })}
              error={fieldError('credits.refill.amount')}
              allowDecimal={false}
              allowNegative={false}
              w={140}
            />
          )}
          {state.refill === 'monthly' && (
            <NumberInput
              label="Day of the month"
              value={state.refillDay}
              onChange={(v) => set({ refillDay: v })}
              error={fieldError('credits.refill.refillDay')}
              min={1}
              max={31}
              allowDecimal={false}
              w={140}
            />
          )}
        </Group>
      )}
    </Stack>
  );
}

export function MetaField({ state, set, fieldError }: FieldsProps) {
  return (
    <Textarea
      label="Metadata (JSON object)"
      description={`Returned by every verification as given; at most ${META_MAX_BYTES} bytes. Never put a secret here: every verifier sees it.`}
      value={state.meta}
      onChange={(e) => set({ meta: e.currentTarget.value })}
      error={fieldError('meta')}
      autosize
      minRows={2}
      maxRows={12}
      spellCheck={false}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      placeholder='{"plan": "pro"}'
      {...MAX_WIDTH}
    />
  );
}

/** Every control of a key, as fields: the details pane's form and the new-key dialog show the same. */
export function UsageControlsFields({ state, set, fieldError }: FieldsProps) {
  return (
    <>
      <RateLimitRows state={state} set={set} fieldError={fieldError} />

      <CreditsFields state={state} set={set} fieldError={fieldError} />

      <Textarea
        label="IP allowlist"
        description="One IPv4 or IPv6 address or CIDR block per line (203.0.113.0/24, 2001:db8::/32). Empty: the tenant's default allowlist, if any, else any address."
        value={state.ips}
        onChange={(e) => set({ ips: e.currentTarget.value })}
        error={fieldError('ipAllowlist')}
        autosize
        minRows={2}
        maxRows={8}
        spellCheck={false}
        {...MAX_WIDTH}
      />
      {state.ips.trim() === '' && (
        <Checkbox label="Any address, even if the tenant has a default allowlist" checked={state.noDefaultIps} onChange={(e) => set({ noDefaultIps: e.currentTarget.checked })} />
      )}
      <MetaField state={state} set={set} fieldError={fieldError} />
      <TextInput
        label="External ID"
        description="Your own ID of the customer (identity) this key belongs to; its keys share the identity's limits and credits."
        value={state.externalId}
        onChange={(e) => set({ externalId: e.currentTarget.value })}
        error={fieldError('externalId')}
        maxLength={128}
        {...MAX_WIDTH}
      />
    </>
  );
}

export function UsageControlsForm({ accessKey }: { accessKey: AccessKey }) {
  const [state, setState] = useState<FormState>(() => initialState(accessKey));
  const [errors, setErrors] = useState<Errors>({});
  const update = useUpdateKey(accessKey.accessKeyId);
  const set = (patch: Partial<FormState>) => setState((s) => ({ ...s, ...patch }));
  const draft = patchOf(accessKey, state);
  const unchanged = Object.keys(draft.patch).length === 0;

  const submit = () => {
    if (Object.keys(draft.errors).length > 0) {
      setErrors(draft.errors);
      return;
    }
    setErrors({});
    update.mutate(draft.patch, {
      onSuccess: (saved) => {
        setState(initialState(saved));
        notifications.show({ message: 'Usage controls saved.', color: 'teal' });
      },
      onError: (error) => setErrors(apiErrors(error, state.ips) ?? {}),
    });
  };
  const fieldError = (name: string) => errors[name];
  const shownElsewhere = update.error instanceof ApiError && update.error.status === 400 && typeof update.error.details?.field === 'string';

  return (
    <form
      aria-label="Usage controls"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <UsageControlsFields state={state} set={set} fieldError={fieldError} />
        {update.error !== null && !shownElsewhere && <ErrorAlert error={update.error} title="Usage controls not saved" />}
        {update.error !== null && shownElsewhere && (
          <Text size="sm" c="red.8" role="alert">
            Not saved: {update.error.message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button
            variant="default"
            disabled={unchanged && Object.keys(errors).length === 0}
            onClick={() => {
              setState(initialState(accessKey));
              setErrors({});
              update.reset();
            }}
          >
            Undo changes
          </Button>
          <Button type="submit" variant="light" loading={update.isPending} disabled={unchanged && Object.keys(draft.errors).length === 0}>
            Save usage controls
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Credits = NonNullable<AccessKey['credits']>;

/** Adds to (or, negative, takes from) a key's or identity's credits in one atomic write, never losing a concurrent spend. */
export function AddCreditsForm({ path, hasCredits, onChanged }: { path: string; hasCredits: boolean; onChanged: (credits: Credits) => void }) {
  const [amount, setAmount] = useState<number | string>('');
  const add = useMutation({ mutationFn: (body: BodyOf<'/v1/access-keys/{accessKeyId}/credits', 'post'>) => api<Credits>('POST', path, body) });
  if (!hasCredits) return null;
  const n = Number(amount);
  const valid = amount !== '' && Number.isSafeInteger(n) && n !== 0;
  const fieldError = add.error instanceof ApiError && add.error.status === 400 ? add.error.message : undefined;
  return (
    <form
      aria-label="Add credits"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        add.mutate(
          { add: n },
          {
            onSuccess: (credits) => {
              setAmount('');
              onChanged(credits);
              notifications.show({ message: `Credits changed: ${credits.remaining} left.`, color: 'teal' });
            },
          },
        );
      }}
    >
      <Group align="flex-end" gap="sm">
        <NumberInput label="Credits to add" description="Negative takes away (never below zero)." value={amount} onChange={setAmount} error={fieldError} allowDecimal={false} w={200} />
        <Button type="submit" variant="light" loading={add.isPending} disabled={!valid}>
          Add credits
        </Button>
      </Group>
      {add.error !== null && fieldError === undefined && <ErrorAlert error={add.error} title="Credits not changed" />}
    </form>
  );
}

function describeRefill(refill: Refill): string {
  if (refill.interval === 'daily') return `refilled to ${refill.amount} daily at 00:00 UTC`;
  return `refilled to ${refill.amount} monthly on day ${refill.refillDay ?? 1} at 00:00 UTC`;
}

/** What members see: the key's controls, set by the tenant's administrators. */
export function UsageControlsView({ accessKey }: { accessKey: AccessKey }) {
  return (
    <Stack gap="sm" aria-label="Usage controls" role="group">
      <Text size="xs" c="dimmed">
        Set by the tenant's administrators.
      </Text>
      <Field label="Rate limits">
        {accessKey.ratelimits === null || accessKey.ratelimits.length === 0 ? (
          accessKey.ratelimits === null ? (
            "The tenant's default for this key type"
          ) : (
            'None'
          )
        ) : (
          <Table verticalSpacing={2} fz="sm" aria-label="Rate limits" withRowBorders={false}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Limit</Table.Th>
                <Table.Th>Window</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {accessKey.ratelimits.map((r) => (
                <Table.Tr key={r.name}>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>{r.limit}</Table.Td>
                  <Table.Td>{describeWindow(r.durationMs)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Field>
      <Field label="Credits">
        {accessKey.credits === null ? (
          'Unlimited'
        ) : (
          <>
            {accessKey.credits.remaining} remaining{accessKey.credits.refill ? `, ${describeRefill(accessKey.credits.refill)}` : ''}
            {accessKey.credits.lastRefillAt && (
              <>
                {' '}
                (last refill <DateTime value={accessKey.credits.lastRefillAt} />)
              </>
            )}
          </>
        )}
      </Field>
      <Field label="IP allowlist">
        {accessKey.ipAllowlist === null ? (
          "The tenant's default"
        ) : accessKey.ipAllowlist.length === 0 ? (
          'Any address'
        ) : (
          <Group gap={6} role="list" aria-label="Allowed addresses">
            {accessKey.ipAllowlist.map((cidr) => (
              <Badge key={cidr} variant="outline" color="gray" tt="none" role="listitem">
                {cidr}
              </Badge>
            ))}
          </Group>
        )}
      </Field>
      <Field label="Metadata">{accessKey.meta === null ? 'None' : <Code block>{JSON.stringify(accessKey.meta, null, 2)}</Code>}</Field>
      <Field label="External ID">{accessKey.externalId ?? 'None'}</Field>
    </Stack>
  );
}
