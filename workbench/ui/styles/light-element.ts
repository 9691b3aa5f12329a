import { LitElement, type CSSResultOrNative } from 'lit';

const adopted = new WeakSet<object>();

/**
 * A Lit element that renders into itself rather than a shadow root. Cells and the notebook use
 * it because Monaco puts its styles in the document and measures its own DOM: it must not live
 * inside a shadow root. The class's `static styles` are adopted into the document once, so they
 * must be scoped by tag name.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    const ctor = this.constructor as typeof LitElement;
    if (!adopted.has(ctor)) {
      adopted.add(ctor);
      const sheets = ctor.elementStyles.map((s: CSSResultOrNative) => (s instanceof CSSStyleSheet ? s : s.styleSheet)).filter((s): s is CSSStyleSheet => s !== undefined);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
    }
    return this;
  }
}
