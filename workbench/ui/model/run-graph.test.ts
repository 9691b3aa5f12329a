import { describe, expect, it } from 'vitest';
import { downstream, graphOf, hashText, inputsOf, runAllOrder, runOrder, staleResults, upstream, type DefinitionNode } from './run-graph.js';

const node = (name: string, kind: DefinitionNode['kind'], offset: number, dependsOn: string[], text = name): DefinitionNode => ({
  name,
  kind,
  offset,
  dependsOn,
  textHash: hashText(text),
});

const nodes = [
  node('events', 'source', 0, []),
  node('views', 'metric', 10, ['events']),
  node('purchases', 'metric', 20, ['events']),
  node('revenue', 'metric', 30, ['events']),
  node('profile', 'profile', 40, ['views', 'revenue']),
  node('vip', 'segment', 50, ['revenue', 'purchases']),
  node('top', 'query', 60, ['vip']),
  node('chart', 'plot', 5, ['top']), // written before its query
];

describe('run graph', () => {
  const g = graphOf(nodes);

  it('walks upstream and downstream', () => {
    expect([...upstream(g, 'vip')].sort()).toEqual(['events', 'purchases', 'revenue', 'vip']);
    expect([...downstream(g, ['revenue'])].sort()).toEqual(['chart', 'profile', 'top', 'vip']);
    expect([...downstream(g, ['views'])].sort()).toEqual(['profile']);
  });

  it('marks only the results that read an edited metric stale', () => {
    const runs = new Map(['profile', 'vip', 'top', 'chart'].map((n) => [n, { inputs: inputsOf(g, n) }]));
    expect(staleResults(g, runs)).toEqual(new Set());
    const edited = graphOf(nodes.map((n) => (n.name === 'purchases' ? { ...n, textHash: hashText('purchases = count() where x') } : n)));
    expect([...staleResults(edited, runs)].sort()).toEqual(['chart', 'top', 'vip']);
    const viewsEdited = graphOf(nodes.map((n) => (n.name === 'views' ? { ...n, textHash: 'x' } : n)));
    expect([...staleResults(viewsEdited, runs)]).toEqual(['profile']);
  });

  it('treats a removed or broken definition, or a changed as-of, as stale', () => {
    const runs = new Map([['vip', { inputs: inputsOf(g, 'vip', 'as of latest') }], ['profile', { inputs: inputsOf(g, 'profile', 'as of latest') }]]);
    expect(staleResults(g, runs, 'as of latest').size).toBe(0);
    expect(staleResults(g, runs, 'as of date "2019-10-15"').size).toBe(2);
    const broken = graphOf(nodes.map((n) => (n.name === 'vip' ? { ...n, broken: true } : n)));
    expect([...staleResults(broken, runs, 'as of latest')]).toEqual(['vip']);
    const removed = graphOf(nodes.filter((n) => n.name !== 'profile'));
    expect([...staleResults(removed, runs, 'as of latest')]).toEqual(['profile']);
  });

  it('runs upstream results first, otherwise in file order, skipping metrics', () => {
    // The plot is written first, so its query (and the segment the query reads) run before it.
    expect(runAllOrder(g)).toEqual(['vip', 'top', 'chart', 'profile']);
    expect(runOrder(g, ['chart', 'top'])).toEqual(['top', 'chart']);
    expect(runOrder(g, ['views', 'vip'])).toEqual(['vip']);
    const cyclic = graphOf([node('a', 'query', 0, ['b']), node('b', 'query', 1, ['a'])]);
    expect(runOrder(cyclic, ['a', 'b']).sort()).toEqual(['a', 'b']);
  });
});
