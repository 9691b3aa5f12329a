import type { TimeUnit } from './ast.js';
import type { IRExpr, IRLiteral } from './ir.js';

/**
 * Checked behavioural conditions: plain JSON data inside an IR expression
 * (`{ kind: 'behaviour', behaviour, type: 'boolean' }`). `match` conditions are over one event of
 * the source (its columns); windows are `window-last` / `window-between` expressions over the
 * source's time, and the SQL writer applies their bounds to other times where a condition needs it.
 * `id` names what the writer adds for the condition: a column of the source's per-customer scan,
 * or a relation (sequences); it is `<segment>__<n>`, unique in the notebook.
 */

export interface IRDuration {
  amount: number;
  unit: TimeUnit;
}

/** `window-last` or `window-between` over the source's time column. */
export type IRWindow = Extract<IRExpr, { kind: 'window-last' | 'window-between' }>;

export interface IRStep {
  /** The events of this step; absent: any event. */
  match?: IRExpr;
  /** At most this long after the previous step. */
  within?: IRDuration;
  /** Events that must not happen between the previous step and this one (both ends included). */
  without?: IRExpr;
}

export type IRBehaviour =
  /** Customers with `min` ≤ (matching events in the window) ≤ `max`. */
  | { kind: 'count'; id: string; source: string; match?: IRExpr; window?: IRWindow; min: number; max?: number }
  /** The customer's first matching event falls in the window. */
  | { kind: 'first-time'; id: string; source: string; match?: IRExpr; window: IRWindow }
  /** Matching events in at least `atLeast` of the last `periods` periods (period 0 ends at the as-of time). */
  | { kind: 'regularly'; id: string; source: string; match?: IRExpr; atLeast: number; periods: number; unit: 'day' | 'week' | 'month' }
  /** None in the last `quiet`, and at least one before it (in the window, when given). */
  | { kind: 'stopped'; id: string; source: string; match?: IRExpr; quiet: IRDuration; window?: IRWindow }
  /** The first matching event in the window comes at least `gap` after the one before it. */
  | { kind: 'restarted'; id: string; source: string; match?: IRExpr; gap: IRDuration; window: IRWindow }
  /**
   * Steps in time order (each strictly later than the one before), the first in the window, all with
   * equal `same` columns, the last at most `total` after the first; then, if `absent` is given, no such
   * event from the last step to `absent.within` after it (a span that must have passed by the as-of
   * time), or, without `within`, up to the as-of time.
   */
  | { kind: 'sequence'; id: string; source: string; steps: IRStep[]; absent?: IRStep; same: string[]; total?: IRDuration; window?: IRWindow }
  /** Customers ranked by `value` (nulls out): the first `count`, or the first share (`percent` of those ranked, rounded up); ties at the edge all in. */
  | { kind: 'rank'; source: string; direction: 'top' | 'bottom'; value: IRExpr; amount: { kind: 'percent'; text: string } | { kind: 'count'; n: number } }
  /** `value` strictly above (below) the `fraction` quantile (continuous) of all customers' values. */
  | { kind: 'quantile'; source: string; value: IRExpr; above: boolean; fraction: string }
  /** Reads the segment's membership history (`file`, intervals per stay), as of the as-of time. */
  | {
      kind: 'membership';
      source: string;
      key: string;
      segment: string;
      file: string;
      change: 'entered' | 'left' | 'was';
      window?: IRWindow;
      /** A date (that whole day) or a timestamp (that instant). */
      on?: Extract<IRLiteral, { kind: 'date' | 'timestamp' }>;
    };
