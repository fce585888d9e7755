import { describe, expect, it } from 'vitest';
import { loadSigV4Suite, type SuiteCase } from '../../test/vectors/aws-sigv4-suite.js';
import type { SigningFailureCode } from './signing-failure.js';
import { deriveSigV4SigningKey, parseSigV4Request, verifySigV4 } from './sigv4.js';

/**
 * Every signed request of the suite, changed one byte at a time in each part a signature
 * covers, must fail — and with the code a user would expect for that change.
 */
interface Raw {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}

type Outcome = 'OK' | SigningFailureCode;

function outcome(c: SuiteCase, request: Raw): Outcome {
  const parsed = parseSigV4Request(request, { now: c.now, profile: { normalizePath: c.context.normalize } });
  if (!parsed.ok) return parsed.code;
  const verdict = verifySigV4(parsed, deriveSigV4SigningKey(c.context.credentials.secret_access_key, parsed.scope));
  return verdict.ok ? 'OK' : verdict.code;
}

/** A different byte of the same kind, so the change is not refused as malformed first. */
function other(char: string): string {
  if (/[0-9a-f]/.test(char)) return char === '0' ? '1' : '0';
  return char === 'Z' ? 'Y' : 'Z';
}

function changeAt(text: string, index: number): string {
  return text.slice(0, index) + other(text[index]!) + text.slice(index + 1);
}

function copy(request: Raw): Raw {
  return { ...request, headers: request.headers.map(([n, v]) => [n, v] as [string, string]) };
}

interface Mutation {
  label: string;
  request: Raw;
  expected: Outcome;
}

function mutations(c: SuiteCase, form: 'header' | 'query'): Mutation[] {
  const base = c[form].signedRequest as Raw;
  const out: Mutation[] = [];
  const add = (label: string, expected: Outcome, change: (r: Raw) => void) => {
    const request = copy(base);
    change(request);
    out.push({ label, request, expected });
  };
  const question = base.url.indexOf('?');
  const path = question >= 0 ? base.url.slice(0, question) : base.url;
  const query = question >= 0 ? base.url.slice(question) : '';

  for (let i = 0; i < base.method.length; i++) {
    add(`method byte ${i}`, 'SIGNATURE_MISMATCH', (r) => (r.method = changeAt(r.method, i)));
  }
  add('path + 1 byte', 'SIGNATURE_MISMATCH', (r) => (r.url = `${path}a${query}`));
  if (!c.context.normalize) {
    // Without normalisation every byte after the leading '/' is significant.
    for (let i = 1; i < path.length; i++) {
      add(`path byte ${i}`, 'SIGNATURE_MISMATCH', (r) => (r.url = changeAt(path, i) + query));
    }
  }
  add('extra query parameter', 'SIGNATURE_MISMATCH', (r) => (r.url = `${base.url}${question >= 0 ? '&' : '?'}x=1`));
  for (const piece of query
    .slice(1)
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('X-Amz-'))) {
    const at = base.url.indexOf(piece);
    add(`query value of ${piece}`, 'SIGNATURE_MISMATCH', (r) => (r.url = changeAt(r.url, at + piece.length - 1)));
  }

  const authorization = base.headers.find(([n]) => n === 'Authorization')?.[1];
  const signedList = form === 'header' ? /SignedHeaders=([^,]+)/.exec(authorization ?? '')![1]! : decodeURIComponent(/X-Amz-SignedHeaders=([^&]+)/.exec(base.url)![1]!);
  const signed = new Set(signedList.split(';'));
  base.headers.forEach(([name, value], index) => {
    const lower = name.toLowerCase();
    if (!signed.has(lower) || lower === 'x-amz-date') return;
    add(`header ${name} #${index}`, 'SIGNATURE_MISMATCH', (r) => (r.headers[index]![1] = changeAt(value, value.length - 1)));
  });

  add('body', 'SIGNATURE_MISMATCH', (r) => (r.body = r.body === '' ? 'a' : changeAt(r.body, r.body.length - 1)));

  const signature = c[form].signature;
  const inHeader = form === 'header';
  const holder = inHeader ? authorization! : base.url;
  const offset = holder.indexOf(signature);
  for (let i = 0; i < signature.length; i++) {
    add(`signature byte ${i}`, 'SIGNATURE_MISMATCH', (r) => {
      if (inHeader) r.headers.find(([n]) => n === 'Authorization')![1] = changeAt(holder, offset + i);
      else r.url = changeAt(holder, offset + i);
    });
  }

  // 20150830T123600Z: one second later still verifies the time but not the signature;
  // ten minutes is past the skew; another day contradicts the credential scope.
  const dates: [string, string, Outcome][] = [
    ['second', '20150830T123601Z', 'SIGNATURE_MISMATCH'],
    ['ten minutes', '20150830T124600Z', 'REQUEST_TIME_SKEWED'],
    ['day', '20150831T123600Z', 'MALFORMED'],
  ];
  for (const [label, date, expected] of dates) {
    add(`date ${label}`, expected, (r) => {
      if (inHeader) r.headers.find(([n]) => n === 'X-Amz-Date')![1] = date;
      else r.url = r.url.replace('X-Amz-Date=20150830T123600Z', `X-Amz-Date=${date}`);
    });
  }
  add('credential region', 'SIGNATURE_MISMATCH', (r) => {
    if (inHeader) r.headers.find(([n]) => n === 'Authorization')![1] = authorization!.replace('/us-east-1/', '/us-east-2/');
    else r.url = r.url.replace('%2Fus-east-1%2F', '%2Fus-east-2%2F');
  });
  if (!inHeader) add('expiry', 'SIGNATURE_MISMATCH', (r) => (r.url = r.url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601')));
  return out;
}

const cases = loadSigV4Suite().filter((c) => c.context.credentials.token === undefined);

describe('AWS SigV4 test suite, tampered', () => {
  for (const form of ['header', 'query'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`%s (${form} form): any single change fails with the right code`, (_, c) => {
      expect(outcome(c, c[form].signedRequest as Raw)).toBe('OK');
      const list = mutations(c, form);
      expect(list.length).toBeGreaterThan(70);
      const wrong = list.map((m) => ({ label: m.label, expected: m.expected, got: outcome(c, m.request) })).filter((r) => r.got !== r.expected);
      expect(wrong).toEqual([]);
    });
  }
});
