/** Picks a user of the tenant, searching on the server (GET /v1/users?q=), one page at a time. */
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useUserList } from '../api/queries';
import type { User } from '../api/wire';
import { errorMessage } from './error-alert';

export const userLabel = (u: Pick<User, 'name' | 'email'>) => (u.name && u.name !== u.email ? `${u.name} <${u.email}>` : u.email);

export function UserPicker({
  label,
  value,
  onChange,
  placeholder = 'Search by name or email',
  clearable = true,
  description,
}: {
  label: string;
  value: User | null;
  onChange: (user: User | null) => void;
  placeholder?: string;
  clearable?: boolean;
  description?: string;
}) {
  const [search, setSearch] = useState('');
  const typed = value !== null && search === userLabel(value) ? '' : search;
  const [debounced] = useDebouncedValue(typed, 250);
  const list = useUserList(debounced);
  const users = new Map<string, User>();
  if (value) users.set(value.id, value);
  for (const page of list.data?.pages ?? []) for (const u of page.items) users.set(u.id, u);
  const data = [...users.values()].map((u) => ({ value: u.id, label: userLabel(u) }));
  return (
    <Select
      label={label}
      description={description ?? (list.hasNextPage ? 'Showing the first users; type to narrow the list.' : undefined)}
      placeholder={placeholder}
      searchable
      clearable={clearable}
      data={data}
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      // The server already filtered: the list is the answer to what was typed.
      filter={({ options }) => options}
      onChange={(id) => onChange(id === null ? null : (users.get(id) ?? null))}
      nothingFoundMessage={list.isError ? `Search failed: ${errorMessage(list.error)}` : list.isFetching ? 'Searching…' : 'No user matches'}
      rightSectionPointerEvents={clearable && value ? 'all' : 'none'}
      comboboxProps={{ withinPortal: true }}
      maxDropdownHeight={280}
    />
  );
}
