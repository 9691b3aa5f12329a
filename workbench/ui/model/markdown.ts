/**
 * A small, safe Markdown renderer for markdown cells: headings, paragraphs, emphasis, inline code,
 * fenced code, lists, block quotes, rules and links. Every piece of the source is HTML-escaped;
 * the only tags in the output are the ones written here, and link targets are limited to
 * http(s), mailto and relative URLs. Raw HTML in the source shows as text.
 */

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

/** A link target we allow, escaped for an attribute; undefined for `javascript:` and friends. */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  // Control characters and whitespace inside a scheme are how filters get fooled.
  const compact = trimmed.replace(/[\u0000-\u001f\u007f\s]+/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto') return undefined;
  return escapeHtml(trimmed);
}

/** Inline markup of one line of text, escaped. */
export function renderInline(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    // `code` — nothing inside is interpreted.
    const code = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (code) {
      out += `<code>${escapeHtml(code[2]!.trim() === '' ? code[2]! : code[2]!.replace(/^ (.*) $/, '$1'))}</code>`;
      i += code[0].length;
      continue;
    }
    const link = /^\[([^\]\n]+)\]\(([^)\s]*)(?:\s+"([^"]*)")?\)/.exec(rest);
    if (link) {
      const href = safeHref(link[2]!);
      const label = renderInline(link[1]!);
      const title = link[3] !== undefined ? ` title="${escapeHtml(link[3])}"` : '';
      out += href !== undefined ? `<a href="${href}"${title} target="_blank" rel="noopener noreferrer">${label}</a>` : label;
      i += link[0].length;
      continue;
    }
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest);
    if (strong) {
      out += `<strong>${renderInline(strong[2]!)}</strong>`;
      i += strong[0].length;
      continue;
    }
    // `_` emphasises only at word edges, so snake_case names stay as they are.
    const em = /^\*(?=\S)([\s\S]*?\S)\*/.exec(rest) ?? /^_(?=\S)([\s\S]*?\S)_(?![A-Za-z0-9])/.exec(rest);
    if (em && (em[0][0] === '*' || i === 0 || !/[A-Za-z0-9]/.test(text[i - 1]!))) {
      out += `<em>${renderInline(em[1]!)}</em>`;
      i += em[0].length;
      continue;
    }
    const auto = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(rest);
    if (auto && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
      const href = escapeHtml(auto[0]);
      out += `<a href="${href}" target="_blank" rel="noopener noreferrer">${href}</a>`;
      i += auto[0].length;
      continue;
    }
    out += escapeHtml(text[i]!);
    i += 1;
  }
  return out;
}

interface ListItem {
  ordered: boolean;
  text: string[];
}

/** Renders a markdown document to an HTML string made only of escaped text and known tags. */
export function renderMarkdown(source: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: ListItem[] } | undefined;
  let quote: string[] | undefined;

  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.map(renderInline).join('\n')}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const tag = list.ordered ? 'ol' : 'ul';
    out.push(`<${tag}>${list.items.map((item) => `<li>${item.text.map(renderInline).join('\n')}</li>`).join('')}</${tag}>`);
    list = undefined;
  };
  const flushQuote = () => {
    if (!quote) return;
    out.push(`<blockquote>${renderMarkdown(quote.join('\n'))}</blockquote>`);
    quote = undefined;
  };
  const flushAll = () => {
    flushParagraph();
    flushList();
    flushQuote();
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^ {0,3}(```+|~~~+)\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      flushAll();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.trimStart().startsWith(fence[1]!)) body.push(lines[j++]!);
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : '';
      out.push(`<pre><code${lang}>${escapeHtml(body.join('\n'))}</code></pre>`);
      i = j;
      continue;
    }
    if (quote && /^ {0,3}>/.test(line)) {
      quote.push(line.replace(/^ {0,3}> ?/, ''));
      continue;
    }
    if (/^\s*$/.test(line)) {
      flushAll();
      continue;
    }
    const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flushAll();
      const level = heading[1]!.length;
      out.push(`<h${level}>${renderInline(heading[2]!)}</h${level}>`);
      continue;
    }
    if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushAll();
      out.push('<hr>');
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      flushParagraph();
      flushList();
      quote = [line.replace(/^ {0,3}> ?/, '')];
      continue;
    }
    const item = /^ {0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      flushQuote();
      const ordered = item[2] !== undefined;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push({ ordered, text: [item[3]!] });
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      list.items[list.items.length - 1]!.text.push(line.trim());
      continue;
    }
    flushList();
    flushQuote();
    paragraph.push(line.trim());
  }
  flushAll();
  return out.join('\n');
}
