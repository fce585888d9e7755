/**
 * Identities (issue 11): the tenant's own customers, named by the externalId its keys carry.
 * An identity's rate limits are counted per identity, shared by every key with that externalId,
 * on top of each key's own; its credits are spent by all of them. Administrators list, create,
 * view, edit (limits, credits, metadata), add credits to and delete them here.
 */
import { Badge, Button, Drawer, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, query } from '../api/client';
import { PAGE_SIZE } from '../api/queries';
import { queryKeys } from '../api/query-keys';
import type { BodyOf, Identity, Page } from '../api/wire';
import { SearchBox, useUrlFilters } from '../keys/key-search';
import { AddCreditsForm, apiErrors, CreditsFields, creditsOf, describeWindow, type Errors, type FormState, limitsOf, MetaField, metaOf, RateLimitRows, rowOf } from '../keys/usage-controls';
import { ConfirmModal } from '../ui/confirm-modal';
import { DateTime } from '../ui/date-time';
import { ErrorAlert } from '../ui/error-alert';
import { ListState } from '../ui/list-state';
import { LoadMore } from '../ui/load-more';

const EXTERNAL_ID_RE = /^[A-Za-z0-9_.:@|+-]{1,128}$/;
const identityPath = (externalId: string) => `/v1/identities/${encodeURIComponent(externalId)}`;

function useIdentities(q: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.identities.list(q),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<Page<Identity>>('GET', `/v1/identities${query({ limit: PAGE_SIZE, cursor: pageParam, q: q === '' ? undefined : q })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useSaveIdentity(externalId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/v1/identities/{externalId}', 'put'>) => api<Identity>('PUT', identityPath(externalId), body),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.identities.all }),
  });
}

function stateOf(identity: Identity | null): FormState {
  const refill = identity?.credits?.refill ?? null;
  return {
    rows: (identity?.ratelimits ?? []).map(rowOf),
    noDefaultLimits: false,
    noDefaultIps: false,
    creditsOn: (identity?.credits ?? null) !== null,
    remaining: identity?.credits?.remaining ?? 0,
    refill: refill?.interval ?? 'none',
    refillAmount: refill?.amount ?? '',
    refillDay: refill?.refillDay ?? 1,
    ips: '',
    meta: identity?.meta == null ? '' : JSON.stringify(identity.meta, null, 2),
    externalId: identity?.externalId ?? '',
  };
}

/** Limits, credits and metadata of one identity; saving replaces them all (PUT). */
function IdentityForm({ externalId, identity, onSaved }: { externalId: string; identity: Identity | null; onSaved: (saved: Identity) => void }) {
  const [state, setState] = useState<FormState>(() => stateOf(identity));
  const [errors, setErrors] = useState<Errors>({});
  const save = useSaveIdentity(externalId);
  const set = (patch: Partial<FormState>) => setState((s) => ({ ...s, ...patch }));
  const fieldError = (name: string) => errors[name];
  const shownAtField = save.error instanceof ApiError && save.error.status === 400 && typeof save.error.details?.field === 'string';
  return (
    <form
      aria-label="Identity controls"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found: Errors = {};
        const body = { ratelimits: limitsOf(state, found), credits: creditsOf(state, found), meta: metaOf(state, found) };
        setErrors(found);
        if (Object.keys(found).length > 0) return;
        save.mutate(body, {
          onSuccess: (saved) => {
            notifications.show({ message: `Identity ${saved.externalId} saved.`, color: 'teal' });
            onSaved(saved);
          },
          onError: (error) => setErrors(apiErrors(error) ?? {}),
        });
      }}
    >
      <Stack gap="md">
        <RateLimitRows
          state={state}
          set={set}
          fieldError={fieldError}
          withDefault={false}
          description='At most "limit" units of cost per window, counted per identity: every key with this external ID spends from them, on top of its own limits.'
        />
        <CreditsFields state={state} set={set} fieldError={fieldError} />
        {identity?.credits && (
          <Text size="xs" c="dimmed">
            Saving sets the credits left to the number above; "Add credits" changes them by an amount without losing what keys spend meanwhile.
          </Text>
        )}
        <MetaField state={state} set={set} fieldError={fieldError} />
        {save.error !== null && !shownAtField && <ErrorAlert error={save.error} title="The identity was not saved" />}
        {save.error !== null && shownAtField && (
          <Text size="sm" c="red.8" role="alert">
            Not saved: {save.error.message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={save.isPending}>
            {identity === null ? 'Create identity' : 'Save identity'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function IdentityDrawer({ externalId, identity, onClose }: { externalId: string | null; identity: Identity | null; onClose: () => void }) {
  const narrow = useMediaQuery('(max-width: 48em)');
  const client = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const [current, setCurrent] = useState<Identity | null>(identity);
  const shown = current ?? identity;
  return (
    <Drawer
      opened={externalId !== null}
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 'lg'}
      title={externalId === null ? 'Identity' : `Identity: ${externalId}`}
      closeButtonProps={{ 'aria-label': 'Close the identity' }}
      styles={{ title: { minWidth: 0, overflowWrap: 'anywhere' }, close: { flexShrink: 0 } }}
    >
      {externalId !== null && (
        <Stack gap="lg">
          {shown && (
            <Text size="xs" c="dimmed">
              Created <DateTime value={shown.createdAt} />, changed <DateTime value={shown.updatedAt} />.
            </Text>
          )}
          <IdentityForm key={JSON.stringify(shown)} externalId={externalId} identity={shown} onSaved={setCurrent} />
          {shown?.credits && (
            <AddCreditsForm
              path={`${identityPath(externalId)}/credits`}
              hasCredits
              onChanged={(credits) => {
                setCurrent({ ...shown, credits: { ...shown.credits!, remaining: credits.remaining } });
                void client.invalidateQueries({ queryKey: queryKeys.identities.all });
              }}
            />
          )}
          {shown && (
            <Group>
              <Button variant="light" color="red" onClick={() => setDeleting(true)}>
                Delete identity
              </Button>
            </Group>
          )}
          <ConfirmModal
            opened={deleting}
            title={`Delete identity ${externalId}?`}
            confirmLabel="Delete identity"
            onClose={() => setDeleting(false)}
            onConfirm={async () => {
              await api<void>('DELETE', identityPath(externalId));
              await client.invalidateQueries({ queryKey: queryKeys.identities.all });
              notifications.show({ message: `Identity ${externalId} deleted.`, color: 'teal' });
              setDeleting(false);
              onClose();
            }}
          >
            Its keys keep their external ID but stop sharing its rate limits and credits.
          </ConfirmModal>
        </Stack>
      )}
    </Drawer>
  );
}

function limitsText(identity: Identity): string {
  if (identity.ratelimits === null || identity.ratelimits.length === 0) return 'None';
  return identity.ratelimits.map((r) => `${r.name}: ${r.limit} per ${describeWindow(r.durationMs)}`).join(', ');
}

/**
 * The identity named in "New identity", read from the server: the one that exists (it may be on
 * no page loaded, or left out by the search) opens with its settings, so saving never replaces
 * them with empty ones; 404 opens a new one.
 */
async function identityNamed(externalId: string): Promise<Identity | null> {
  try {
    return await api<Identity>('GET', identityPath(externalId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function IdentitiesPage() {
  const url = useUrlFilters(['q'] as const);
  const q = url.values.q ?? '';
  const list = useIdentities(q);
  const [newId, setNewId] = useState('');
  const [newIdError, setNewIdError] = useState<string | undefined>();
  const [opening, setOpening] = useState(false);
  const [open, setOpen] = useState<{ externalId: string; identity: Identity | null } | null>(null);
  const items = list.data?.pages.flatMap((p) => p.items);
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Identities
        </Title>
        <Text size="sm" c="dimmed">
          Your own customers, named by the external ID their keys carry. An identity's rate limits and credits are shared by all of its keys.
        </Text>
      </div>
      <form
        aria-label="New identity"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const id = newId.trim();
          if (!EXTERNAL_ID_RE.test(id)) {
            setNewIdError('1 to 128 letters, digits and _ . : @ | + -.');
            return;
          }
          setNewIdError(undefined);
          setOpening(true);
          identityNamed(id)
            .then((existing) => {
              setOpen({ externalId: id, identity: existing });
              setNewId('');
            })
            .catch((error: unknown) => setNewIdError(error instanceof Error ? `Could not check that identity: ${error.message}` : 'Could not check that identity.'))
            .finally(() => setOpening(false));
        }}
      >
        <Group align="flex-start" gap="sm">
          <TextInput label="External ID" value={newId} onChange={(e) => setNewId(e.currentTarget.value)} error={newIdError} maxLength={128} w={320} />
          <Button type="submit" variant="light" mt={25} loading={opening}>
            New identity
          </Button>
        </Group>
      </form>
      <SearchBox value={q} onChange={(text) => url.set('q', text)} label="Search identities" placeholder="Search by external ID" width={320} />
      <ListState query={list} items={items} loading="Loading identities…" failed="Identities could not be loaded" empty={q === '' ? 'No identities yet.' : `No identity matches “${q}”.`}>
        {(rows) => (
          <>
            <Table.ScrollContainer minWidth={640}>
              <Table aria-label="Identities" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>External ID</Table.Th>
                    <Table.Th>Rate limits</Table.Th>
                    <Table.Th>Credits</Table.Th>
                    <Table.Th>Changed</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((identity) => (
                    <Table.Tr key={identity.externalId}>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {identity.externalId}
                        </Text>
                        {identity.meta !== null && (
                          <Badge variant="outline" color="gray" tt="none" size="sm">
                            metadata
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{limitsText(identity)}</Table.Td>
                      <Table.Td>{identity.credits === null ? 'Unlimited' : `${identity.credits.remaining} left`}</Table.Td>
                      <Table.Td>
                        <DateTime value={identity.updatedAt} />
                      </Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="light" aria-label={`View ${identity.externalId}`} onClick={() => setOpen({ externalId: identity.externalId, identity })}>
                          View
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
          </>
        )}
      </ListState>
      <IdentityDrawer key={open?.externalId ?? 'none'} externalId={open?.externalId ?? null} identity={open?.identity ?? null} onClose={() => setOpen(null)} />
    </Stack>
  );
}
