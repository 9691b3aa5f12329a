import { clearParseCache } from '../dsl/compile.js';
import { compileNotebook } from '../dsl/index.js';
import type { BenchResult } from './result.js';

/** A realistic notebook of `cells` DSL cells: metrics, derived metrics, segments and queries. */
export function syntheticNotebook(cells: number): string {
  const parts = ['--- kohort\nsource events = lake "events" key user_id time event_time\n'];
  const types = ['view', 'cart', 'remove_from_cart', 'purchase'];
  for (let i = 0; i < cells; i++) {
    const k = i % 5;
    let body: string;
    if (k === 0) body = `metric m${i} = count() where event_type = "${types[i % 4]}" and price > ${i}`;
    else if (k === 1) body = `metric m${i} = sum(price) where event_type = "purchase" and category_code starts with "electronics" during last ${1 + (i % 30)} days`;
    else if (k === 2) body = `metric m${i} = m${i - 2} / m${i - 1} + days_since(max(event_time))`.replace(' + days_since(max(event_time))', '');
    else if (k === 3) body = `segment s${i} = (m${i - 3} > ${i} and m${i - 2} between 10 and 1000) or not m${i - 1} is null`;
    else body = `query q${i} = from events where brand in ("apple", "samsung") group by day = date(event_time) select n = count(), r = sum(price) order by day limit 100`;
    parts.push(`--- kohort\n${body}\n`);
  }
  return parts.join('\n');
}

export function benchCompile(): BenchResult[] {
  const text = syntheticNotebook(200);
  const schemas = {
    events: {
      columns: [
        { name: 'event_time', type: 'timestamp' as const },
        { name: 'event_type', type: 'string' as const },
        { name: 'category_code', type: 'string' as const },
        { name: 'brand', type: 'string' as const },
        { name: 'price', type: 'number' as const },
        { name: 'user_id', type: 'number' as const },
      ],
    },
  };
  const options = { lake: '/lake', schemas };
  for (let i = 0; i < 5; i++) {
    clearParseCache();
    compileNotebook(text, options); // warm up the JIT and Chevrotain
  }
  const cold = measure(() => {
    clearParseCache();
    return compileNotebook(text, options);
  });
  // An editor recompiles after a keystroke in one cell: the other 199 come from the parse cache.
  let n = 0;
  const edited = measure(() => compileNotebook(text.replace('metric m0 =', `metric m0 = ${n++} +`), options));
  const median = cold.median;
  return [
    { name: 'compile 200-cell notebook, cold (median)', value: median, unit: 'ms', target: '< 50 ms', ok: median < 50 },
    { name: 'compile 200-cell notebook, cold (p95)', value: cold.p95, unit: 'ms' },
    { name: 'recompile after editing one cell (median)', value: edited.median, unit: 'ms' },
  ];
}

function measure(compile: () => ReturnType<typeof compileNotebook>): { median: number; p95: number } {
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    const r = compile();
    times.push(performance.now() - t0);
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(`bench notebook has errors: ${r.diagnostics[0]!.message}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! };
}
