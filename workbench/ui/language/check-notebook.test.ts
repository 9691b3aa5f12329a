import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNotebook, type CompiledCell } from '../../../dsl/index.js';
import { rees46Schemas } from '../../../tests/support/rees46-schema.js';
import { checkNotebook } from './check-notebook.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'ecommerce');
const notebooks = ['customers.kohort', 'sales.kohort'].map((f) => [f, readFileSync(join(examples, f), 'utf8')] as const);

const settingKinds: readonly string[] = ['pipeline', 'schedule', 'destination'];

/**
 * Broken as the compiler sees it: no SQL; for pipeline, schedule and destination cells (settings,
 * never SQL), no spec or a cell they name that is broken.
 */
function brokenCell(cells: readonly CompiledCell[], c: CompiledCell): boolean {
  if (!settingKinds.includes(c.kind)) return c.sql === undefined;
  if (!(c.pipeline ?? c.schedule ?? c.destination)) return true;
  return c.dependsOn.some((name) => {
    const dep = cells.find((d) => d.name === name);
    return dep !== undefined && brokenCell(cells, dep);
  });
}

// The editor's check must agree with the compiler on names, kinds, dependencies and what compiles.
describe('checkNotebook agrees with compileNotebook', () => {
  const broken = (text: string) => text.replace('metric purchases = count() where event_type = "purchase"', 'metric purchases = count() where event_typ = "purchase"').replace('segment vip =', 'segment vip = revnue > 1 and');
  it.each([...notebooks, ['customers.kohort with errors', broken(notebooks[0]![1])] as const])('%s', (_, text) => {
    const compiled = compileNotebook(text, { schemas: rees46Schemas, lake: '/lake' });
    const checked = checkNotebook(text, rees46Schemas);
    expect(checked.definitions.map((d) => [d.name, d.kind, d.offset, [...d.dependsOn].sort(), d.plot ?? null, d.broken === true])).toEqual(
      compiled.cells.map((c) => [c.name, c.kind, c.range.start.offset, [...c.dependsOn].sort(), c.plot ?? null, brokenCell(compiled.cells, c)]),
    );
    const key = (d: { code: string; range: { start: { offset: number } } }) => `${d.code}@${d.range.start.offset}`;
    expect(checked.diagnostics.map(key)).toEqual(compiled.diagnostics.map(key));
  });

  it('knows the daily profiles, the sources’ keys and the as-of statement', () => {
    const [, customers] = notebooks[0]!;
    const a = checkNotebook(customers, rees46Schemas);
    expect(a.dailyProfiles).toEqual(['customer_days']);
    expect(a.sourceKeys).toEqual({ events: 'user_id' });
    expect(checkNotebook(customers.replace('as of latest', 'as of date "2019-10-15"'), rees46Schemas).globalInputs).not.toBe(a.globalInputs);
  });
});
