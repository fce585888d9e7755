/**
 * Finding a key: the search box over key ID and name, and the list's filters kept in the URL
 * (?q=…&state=…), so a reload, a shared link and Back after the details pane keep them. A pasted
 * bearer token (`lk_<id>_<secret>…`) is cut down to its access key ID at once: the secret part
 * never reaches the URL, the history or the server.
 */
import { TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useLayoutEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';

const TOKEN = /^\s*lk_(LK[A-Z2-7]{0,18})(?:_|$)/i;

/** The access key ID inside a pasted token; any other text as it is. */
export function withoutSecret(text: string): string {
  const token = TOKEN.exec(text);
  return token ? token[1]!.toUpperCase() : text;
}

/**
 * The search parameters last written and not yet shown. React Router's setSearchParams starts
 * from the parameters of the render its callback came from, so a second change made before the
 * first is on screen (a filter picked while the typed search is being written) would drop the
 * first. Every change starts from this instead while it is set. It is cleared once a commit shows
 * it (or shows another page), never during a render: the router renders a navigation as a
 * transition, which React may pause to handle a click; a render that has read the new parameters
 * but is not yet on screen leaves the click's handler with the old ones.
 */
let unrendered: { path: string; search: string } | null = null;

/** The page's search parameters, and a change to them that keeps every change made before it, shown or not. */
export function useSearchChange() {
  const [params, setParams] = useSearchParams();
  const { pathname } = useLocation();
  const search = params.toString();
  // On every commit (a layout effect runs before the browser handles the next event).
  useLayoutEffect(() => {
    if (unrendered !== null && (unrendered.path !== pathname || unrendered.search === search)) unrendered = null;
  });
  const change = (edit: (next: URLSearchParams) => void, options?: { replace?: boolean }) => {
    const next = new URLSearchParams(unrendered?.path === pathname ? unrendered.search : params);
    edit(next);
    unrendered = { path: pathname, search: next.toString() };
    setParams(next, options);
  };
  return { params, change };
}

/** Search parameters of the page as filters: read, and replaced without a new history entry. */
export function useUrlFilters<Name extends string>(names: readonly Name[]) {
  const { params, change } = useSearchChange();
  const values = Object.fromEntries(names.map((n) => [n, params.get(n)])) as Record<Name, string | null>;
  const setAll = (patch: Partial<Record<Name, string | null>>) =>
    change(
      (next) => {
        for (const [name, value] of Object.entries(patch) as [Name, string | null][]) {
          if (value === null || value === '') next.delete(name);
          else next.set(name, value);
        }
      },
      { replace: true },
    );
  const set = (name: Name, value: string | null) => setAll({ [name]: value } as Partial<Record<Name, string | null>>);
  return { values, set, setAll };
}

/**
 * A list's search box: what is typed moves `value` (the URL's) after a pause; a change of `value`
 * from outside (Back, a link) shows in the box. `clean` rewrites what is typed or pasted first.
 */
export function SearchBox({
  value,
  onChange,
  label,
  placeholder,
  clean = (text) => text,
  width,
}: {
  value: string;
  onChange: (q: string) => void;
  label: string;
  placeholder: string;
  clean?: (text: string) => string;
  width?: number;
}) {
  const [text, setText] = useState(value);
  const [debounced] = useDebouncedValue(text.trim(), 300);
  // What the URL says wins when it changes from outside (Back, a link).
  useEffect(() => setText((t) => (t.trim() === value ? t : value)), [value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only what was typed (after the pause) moves the URL.
  useEffect(() => {
    if (debounced !== value) onChange(debounced);
  }, [debounced]);
  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={text}
      onChange={(e) => setText(clean(e.currentTarget.value))}
      style={width === undefined ? { flex: 1, minWidth: 220, maxWidth: 420 } : { width }}
      autoComplete="off"
      spellCheck={false}
    />
  );
}

export function KeySearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  return <SearchBox value={value} onChange={onChange} label="Search keys" placeholder="Search by key ID, pasted token or name" clean={withoutSecret} />;
}
