/** The page's route, from the URL hash: the notebook list, or one notebook. */
export type Route = { page: 'list' } | { page: 'notebook'; path: string };

/** `#/notebook/<path, URI-encoded>` opens a notebook; anything else is the list. */
export function parseRoute(hash: string): Route {
  const m = /^#\/notebook\/(.+)$/.exec(hash);
  if (!m) return { page: 'list' };
  try {
    return { page: 'notebook', path: decodeURIComponent(m[1]!) };
  } catch {
    return { page: 'notebook', path: m[1]! };
  }
}

export function notebookHash(path: string): string {
  return `#/notebook/${encodeURIComponent(path)}`;
}

/** `analyses/october` → `analyses/october.kohort`: what the user types as a workspace path. */
export function notebookPath(name: string): string {
  const trimmed = name.trim();
  return trimmed.endsWith('.kohort') ? trimmed : `${trimmed}.kohort`;
}
