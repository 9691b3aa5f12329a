import { describe, expect, it } from 'vitest';
import { notebookHash, notebookPath, parseRoute } from './routes.js';

describe('routes', () => {
  it('reads the notebook path back from the hash it wrote', () => {
    for (const path of ['ecommerce/customers.kohort', 'a b/ü #1.kohort', '../../etc/passwd']) {
      expect(parseRoute(notebookHash(path))).toEqual({ page: 'notebook', path });
    }
    expect(parseRoute('')).toEqual({ page: 'list' });
    expect(parseRoute('#/')).toEqual({ page: 'list' });
    expect(parseRoute('#/notebook/%E0%A4%A')).toEqual({ page: 'notebook', path: '%E0%A4%A' });
  });

  it('adds the extension to a typed name', () => {
    expect(notebookPath(' analyses/october ')).toBe('analyses/october.kohort');
    expect(notebookPath('x.kohort')).toBe('x.kohort');
  });
});
