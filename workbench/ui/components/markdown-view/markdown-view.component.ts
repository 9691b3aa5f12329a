import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { renderMarkdown } from '../../model/markdown.js';
import styles from './markdown-view.styles.js';

/**
 * A markdown cell, rendered. The HTML comes from `renderMarkdown`, which escapes every piece of
 * the source and emits only its own tags, so no raw HTML from a notebook reaches the page.
 */
export class KohortMarkdownView extends LitElement {
  static override styles = styles;

  /** The markdown source. */
  @property() accessor source = '';

  protected override render() {
    if (this.source.trim() === '') return html`<p class="empty">Empty markdown cell — double-click to write.</p>`;
    return html`${unsafeHTML(renderMarkdown(this.source))}`;
  }
}
