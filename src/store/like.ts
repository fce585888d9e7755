import { type Expression, type RawBuilder, sql } from 'kysely';

/**
 * `column` contains `text`, in any case (`text` given in lower case). LIKE's own wildcards and its
 * escape character in the text are matched literally (the escape character is spelled out: SQLite
 * has none by default). The same SQL on SQLite and PostgreSQL.
 */
export function containsText(column: Expression<unknown>, text: string): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${column}) like ${pattern} escape '\\'`;
}
