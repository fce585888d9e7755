import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { checkedName, MAX_NAME_LENGTH } from './names.js';

describe('checkedName', () => {
  it('trims and keeps a name of 1 to 100 characters', () => {
    expect(checkedName('  Ann  ', 'A user name')).toBe('Ann');
    expect(checkedName('x'.repeat(MAX_NAME_LENGTH), 'A user name')).toHaveLength(100);
  });

  it('refuses an empty or longer name, naming the field', () => {
    for (const name of ['', '   ', 'x'.repeat(101), 'y'.repeat(300)]) {
      let thrown: unknown;
      try {
        checkedName(name, 'A user name', 'adminName');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED', message: 'A user name must be 1 to 100 characters.', details: { field: 'adminName' } });
    }
  });
});
