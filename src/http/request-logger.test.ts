import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { LazyRequestLogger } from './request-logger.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('LazyRequestLogger', () => {
  it("logs like a pino child: the request's bindings on every line, the parent's level and redaction", () => {
    const { logger, lines } = capture();
    const log = new LazyRequestLogger(logger, { reqId: 'req_abc' }, {});
    log.debug('below the level');
    log.error({ token: 'lk_LKAAAAAAAAAAAAAAAAAA_secretsecretsecretsecretsecretsecret0000aaaaaa' }, 'failed');
    log.info('second');
    expect(log.level).toBe('info');
    const written = lines();
    expect(written.map((l) => [l.reqId, l.msg])).toEqual([
      ['req_abc', 'failed'],
      ['req_abc', 'second'],
    ]);
    expect(JSON.stringify(written)).not.toContain('secretsecret');
  });

  it('makes children that keep the request bindings', () => {
    const { logger, lines } = capture();
    new LazyRequestLogger(logger, { reqId: 'req_parent' }, {}).child({ part: 'db' }).warn('slow');
    expect(lines()[0]).toMatchObject({ reqId: 'req_parent', part: 'db', msg: 'slow' });
  });
});
