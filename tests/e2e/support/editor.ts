import type { Locator, Page } from 'playwright-core';

/** A notebook cell in the page, found by text it contains. */
export function cellWith(page: Page, text: string): Locator {
  return page.locator('kohort-notebook-cell').filter({ hasText: text }).first();
}

/** Waits until the cell's Monaco editor is mounted and returns its locator. */
export async function editorOf(cell: Locator): Promise<Locator> {
  await cell.scrollIntoViewIfNeeded();
  const editor = cell.locator('.monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });
  return editor;
}

const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Puts the cursor at the end of the cell's text. */
export async function focusEnd(page: Page, cell: Locator): Promise<void> {
  const editor = await editorOf(cell);
  await editor.locator('.view-lines').click();
  await page.keyboard.press(`${modifier}+End`);
}

/**
 * Types lines as a user would. Monaco's suggestions may be open after a word; Escape closes them
 * so Enter starts a new line instead of accepting one.
 */
export async function typeLines(page: Page, lines: readonly string[]): Promise<void> {
  for (const [i, line] of lines.entries()) {
    await page.keyboard.type(line, { delay: 5 });
    await page.keyboard.press('Escape');
    // Lines are typed unindented: Monaco would carry an indent over to the next line. The line break
    // is inserted as text, not with Enter: on a loaded machine a completion list can open again after
    // Escape, and Enter would accept it.
    if (i < lines.length - 1) await page.keyboard.insertText('\n');
  }
}

export { modifier };

/** The text a cell's editor shows (Monaco draws spaces as no-break spaces). */
export async function editorText(cell: Locator): Promise<string> {
  const editor = await editorOf(cell);
  return ((await editor.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** A cell's visible text with no-break spaces made plain. */
export async function cellText(cell: Locator): Promise<string> {
  return ((await cell.textContent()) ?? '').replace(/\u00a0/g, ' ');
}
