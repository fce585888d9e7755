import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CATALOG, statusOf, type ErrorCode } from './errors.js';

const codes = Object.keys(ERROR_CATALOG) as ErrorCode[];

describe('error catalog', () => {
  it('names every code in UPPER_SNAKE_CASE', () => {
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('gives every code a client or server error status', () => {
    for (const code of codes) {
      const { status } = ERROR_CATALOG[code];
      expect(Number.isInteger(status), code).toBe(true);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThanOrEqual(599);
      expect(statusOf(code)).toBe(status);
    }
  });

  it('gives every code a sentence a person can read', () => {
    for (const code of codes) expect(ERROR_CATALOG[code].message, code).toMatch(/^[A-Z].{5,}\.$/);
  });

  it('keeps bad input at 400-class and outages at 5xx', () => {
    expect(statusOf('VALIDATION_FAILED')).toBe(400);
    expect(statusOf('MALFORMED_JSON')).toBe(400);
    expect(statusOf('NOT_FOUND')).toBe(404);
    expect(statusOf('KEY_LIMIT_REACHED')).toBe(409);
    expect(statusOf('STORE_UNAVAILABLE')).toBe(503);
    expect(statusOf('STORE_BUSY')).toBe(503);
    expect(statusOf('INTERNAL')).toBe(500);
  });
});

describe('AppError', () => {
  it('carries the code, its status and the default message', () => {
    const error = new AppError('KEY_NOT_DISABLED');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('KEY_NOT_DISABLED');
    expect(error.status).toBe(409);
    expect(error.message).toBe(ERROR_CATALOG.KEY_NOT_DISABLED.message);
    expect(error.details).toBeUndefined();
  });

  it('takes a more precise message and details', () => {
    const error = new AppError('INVALID_POLICY', 'memberKeyLimit must be 1 to 1000', { field: 'memberKeyLimit' });
    expect(error.message).toBe('memberKeyLimit must be 1 to 1000');
    expect(error.status).toBe(400);
    expect(error.details).toEqual({ field: 'memberKeyLimit' });
  });
});
