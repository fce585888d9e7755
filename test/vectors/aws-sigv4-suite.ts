/**
 * Reads the AWS SigV4 test suite copied beside this file (aws-sigv4/, see its SOURCE.md) into
 * requests the verifier takes. Raw requests are parsed the way an HTTP server hands them
 * over: request line, `Name:value` headers in order (duplicates kept as pairs, folded
 * continuation lines joined with '\n'), then the body.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { SignableRequest } from '../../src/signing/signable-request.js';

export const SIGV4_SUITE_DIR = fileURLToPath(new URL('./aws-sigv4/', import.meta.url));

export interface SuiteContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

export interface SuiteForm {
  signedRequest: SignableRequest;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export interface SuiteCase {
  name: string;
  context: SuiteContext;
  now: Date;
  header: SuiteForm;
  query: SuiteForm;
}

export function parseRawRequest(text: string): SignableRequest & { headers: [string, string][]; body: string } {
  const split = text.indexOf('\n\n');
  const head = split >= 0 ? text.slice(0, split) : text.replace(/\n$/, '');
  const body = split >= 0 ? text.slice(split + 2) : '';
  const [requestLine = '', ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const url = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const headers: [string, string][] = [];
  for (const line of lines) {
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last[1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return { method, url, headers, body };
}

function readForm(dir: string, form: 'header' | 'query'): SuiteForm {
  const read = (file: string) => readFileSync(path.join(dir, `${form}-${file}.txt`), 'utf8');
  return {
    signedRequest: parseRawRequest(read('signed-request')),
    canonicalRequest: read('canonical-request'),
    stringToSign: read('string-to-sign'),
    signature: read('signature').trim(),
  };
}

export function loadSigV4Suite(): SuiteCase[] {
  return readdirSync(SIGV4_SUITE_DIR)
    .filter((name) => statSync(path.join(SIGV4_SUITE_DIR, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(SIGV4_SUITE_DIR, name);
      const context = JSON.parse(readFileSync(path.join(dir, 'context.json'), 'utf8')) as SuiteContext;
      return { name, context, now: new Date(context.timestamp), header: readForm(dir, 'header'), query: readForm(dir, 'query') };
    });
}
