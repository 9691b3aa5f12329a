import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderInline, safeHref } from './markdown.js';

describe('markdown', () => {
  it('renders the example notebooks’ markdown', () => {
    const html = renderMarkdown('# Customers: profiles\n\nThe seed **platform** computed *each* metric.\nRun it: `kohort run x.kohort`\n\n## Metrics\n- one\n- two\n\n1. a\n2. b\n\n> quoted\n\n---\n\n```sql\nSELECT 1 < 2\n```');
    expect(html).toBe(
      [
        '<h1>Customers: profiles</h1>',
        '<p>The seed <strong>platform</strong> computed <em>each</em> metric.\nRun it: <code>kohort run x.kohort</code></p>',
        '<h2>Metrics</h2>',
        '<ul><li>one</li><li>two</li></ul>',
        '<ol><li>a</li><li>b</li></ol>',
        '<blockquote><p>quoted</p></blockquote>',
        '<hr>',
        '<pre><code class="language-sql">SELECT 1 &lt; 2</code></pre>',
      ].join('\n'),
    );
  });

  it('escapes raw HTML instead of injecting it', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=&quot;alert(1)&quot;');
  });

  it('only links to http(s), mailto and relative targets', () => {
    expect(renderInline('[docs](https://kohort.dev/a?b=1&c=2)')).toBe('<a href="https://kohort.dev/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(renderInline('[x](javascript:alert(1))')).not.toContain('href');
    expect(renderInline('[x](JaVa\tScRiPt:alert(1))')).not.toContain('href');
    expect(renderInline('[x](data:text/html,hi)')).not.toContain('href');
    expect(safeHref('sales.kohort')).toBe('sales.kohort');
    expect(renderInline('[a"b](https://x.y/" onmouseover="z)')).not.toMatch(/" onmouseover/);
  });

  it('leaves code spans and identifiers alone', () => {
    expect(renderInline('`a *b* <c>`')).toBe('<code>a *b* &lt;c&gt;</code>');
    expect(renderInline('snake_case_name and 2*3*4')).toBe('snake_case_name and 2<em>3</em>4');
  });
});
