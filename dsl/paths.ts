/**
 * Path arithmetic for source locations, without I/O or node:path (the dsl also runs in browsers).
 * Paths are POSIX; URLs such as hdfs://… are kept as they are.
 */

const url = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isAbsolute(path: string): boolean {
  return path.startsWith('/') || url.test(path);
}

export function join(base: string, path: string): string {
  if (isAbsolute(path)) return normalize(path);
  return normalize(`${base.replace(/\/+$/, '')}/${path}`);
}

export function dirname(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

/** Resolves `.` and `..` segments; keeps a URL's scheme and host. */
export function normalize(path: string): string {
  const m = url.exec(path);
  const prefix = m ? m[0] : '';
  const rest = path.slice(prefix.length);
  const absolute = rest.startsWith('/');
  const parts: string[] = [];
  for (const seg of rest.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
    } else parts.push(seg);
  }
  const body = parts.join('/');
  return prefix + (absolute ? `/${body}` : body || '.');
}

/** A lake dataset is one folder name: letters, digits, `_`, `-`, `.`, not starting with `.` or `_`. */
export function isDatasetName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) && !name.includes('..');
}
