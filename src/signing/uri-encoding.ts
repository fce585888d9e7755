/**
 * URI encoding as AWS SigV4 defines it: every byte but the unreserved A–Z a–z 0–9 - . _ ~
 * becomes %XY (upper-case hex); paths keep '/'. Decoding works on bytes, so text that is not
 * valid UTF-8 still round-trips exactly. A '%' not followed by two hex digits is malformed
 * (null) wherever decoding is needed; '+' is a literal plus, never a space.
 */

const HEX = '0123456789ABCDEF';
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;
const PLAIN_RE = /^[A-Za-z0-9\-._~]*$/;
const PLAIN_PATH_RE = /^[A-Za-z0-9\-._~/]*$/;
/** An empty, "." or ".." segment: what normalisation would change. */
const DOT_OR_EMPTY_SEGMENT_RE = /\/\/|\/\.\.?(?:\/|$)/;
const ESCAPE_RE = /(%[0-9A-Fa-f]{2})/;
const SLASH = 0x2f;

export function uriEncode(value: string | Uint8Array, keepSlash = false): string {
  if (typeof value === 'string' && (keepSlash ? PLAIN_PATH_RE : PLAIN_RE).test(value)) return value;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) {
    if ((b < 128 && UNRESERVED[b] === 1) || (keepSlash && b === SLASH)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]!}${HEX[b & 15]!}`;
  }
  return out;
}

/** Bytes of a percent-encoded string; raw non-ASCII characters count as their UTF-8 bytes. */
export function percentDecode(value: string): Buffer | null {
  if (!value.includes('%')) return Buffer.from(value, 'utf8');
  const parts = value.split(ESCAPE_RE);
  const chunks: Buffer[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      chunks.push(Buffer.from([parseInt(part.slice(1), 16)]));
    } else if (part !== '') {
      if (part.includes('%')) return null;
      chunks.push(Buffer.from(part, 'utf8'));
    }
  }
  return Buffer.concat(chunks);
}

/** Decode then encode once: every spelling of the same bytes gets one canonical form. */
export function reencode(value: string): string | null {
  if (PLAIN_RE.test(value)) return value;
  const bytes = percentDecode(value);
  return bytes === null ? null : uriEncode(bytes);
}

export interface QueryParam {
  /** As on the wire, still encoded. */
  key: string;
  value: string;
}

/** `a=1&b&&c=` → (a,1) (b,'') (c,''); empty pieces between '&' are not parameters. */
export function parseQuery(query: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (query === '') return params;
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    params.push(eq >= 0 ? { key: piece.slice(0, eq), value: piece.slice(eq + 1) } : { key: piece, value: '' });
  }
  return params;
}

/** A query component as text (for X-Amz-Credential and friends), null when malformed. */
export function decodeComponent(value: string): string | null {
  const bytes = percentDecode(value);
  return bytes === null ? null : bytes.toString('utf8');
}

/** A parameter's name decoded and lower-cased, for matching X-Amz-* names however they were spelled. */
export function queryName(key: string): string | null {
  const name = key.includes('%') ? decodeComponent(key) : key;
  return name === null ? null : name.toLowerCase();
}

/** Sorted by encoded key, then encoded value; repeated keys all kept. */
export function canonicalQuery(params: readonly QueryParam[], skip?: (param: QueryParam) => boolean): string | null {
  const pairs: [string, string][] = [];
  for (const param of params) {
    if (skip?.(param)) continue;
    const key = reencode(param.key);
    const value = reencode(param.value);
    if (key === null || value === null) return null;
    pairs.push([key, value]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * Normalised (every AWS service but S3): empty and '.' segments dropped, '..' removes the
 * one before, then the raw path is encoded again — so an already-encoded path is encoded
 * twice, as AWS does. S3 style: segments kept as they are, each encoded exactly once.
 */
export function canonicalPath(path: string, normalize: boolean): string | null {
  // A plain path without empty or dot segments is its own canonical form either way.
  if (PLAIN_PATH_RE.test(path) && !DOT_OR_EMPTY_SEGMENT_RE.test(path)) return path;
  if (normalize) {
    const kept: string[] = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') kept.pop();
      else kept.push(segment);
    }
    const trailing = kept.length > 0 && path.endsWith('/') ? '/' : '';
    return uriEncode(`/${kept.join('/')}${trailing}`, true);
  }
  if (PLAIN_PATH_RE.test(path)) return path;
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const encoded = reencode(segments[i]!);
    if (encoded === null) return null;
    segments[i] = encoded;
  }
  return segments.join('/');
}
