import type { Expr, Name, Window } from './ast.js';
import type { Range } from './diagnostics.js';

/**
 * The syntax of behavioural segment conditions, as written (see dsl/CONTEXT.md for the grammar):
 *
 *   did "purchase" where price > 100 at least 2 times during last 30 days
 *   never "purchase"
 *   stopped "purchase" for 30 days [during last 90 days]
 *   restarted "purchase" after 30 days during last 7 days
 *   did "view" then "cart" within 1 hour then not "purchase" within 1 hour with same product_id
 *   top 10% by revenue · revenue above median · revenue below percentile 25
 *   entered vip during last 7 days · left vip during last 30 days · was vip on date "2019-10-15"
 *
 * Numbers keep their source text; the checker decides whether they make sense.
 */

/** A number as written, for checks (`2.5 times`) and messages. */
export interface NumberText {
  text: string;
  value: number;
  range: Range;
}

/** `3 hours`: a length of time as written; the unit is checked by the checker. */
export interface DurationAst {
  amount: NumberText;
  unit: Name;
  range: Range;
}

/** Which events a step counts: named event types (`"view"`, `("view", "cart")`) or `anything`. */
export interface EventsAst {
  names: { value: string; range: Range }[];
  anything: boolean;
  range: Range;
}

export interface StepAst {
  /** `then not "purchase"`: no such event (only the last step may be negated). */
  negated: boolean;
  events: EventsAst;
  /** `where …`: a condition on the event's columns. */
  filter?: Expr;
  /** `within 1 hour`: at most this long after the previous step. */
  within?: DurationAst;
  /** `without "remove_from_cart" [where …]`: no such event between the previous step and this one. */
  without: { events: EventsAst; filter?: Expr; range: Range }[];
  range: Range;
}

export type BehaviourVerb = 'did' | 'never' | 'stopped' | 'restarted';

/** How often: `at least 3 times`, `at most 1 time`, `exactly 2 times`, `between 2 and 5 times`. */
export interface FrequencyAst {
  op: 'at-least' | 'at-most' | 'exactly' | 'between';
  low: NumberText;
  high?: NumberText;
  range: Range;
}

/** `in at least 3 of the last 4 weeks`. */
export interface RegularlyAst {
  atLeast: NumberText;
  periods: NumberText;
  unit: Name;
  range: Range;
}

export interface BehaviourAst {
  kind: 'behaviour';
  verb: BehaviourVerb;
  verbRange: Range;
  /** One step, or several joined by `then` (a sequence). */
  steps: StepAst[];
  frequency?: FrequencyAst;
  /** `for the first time`. */
  firstTime?: Range;
  regularly?: RegularlyAst;
  /** `stopped … for 30 days`: none in this long before the as-of time. */
  quietFor?: DurationAst;
  /** `restarted … after 30 days`: the return follows a gap at least this long. */
  gapAfter?: DurationAst;
  /** `all within 2 hours`: the whole sequence, first step to last. */
  total?: DurationAst;
  /** `with same product_id, brand`: every step has the same values of these columns. */
  same: Name[];
  window?: Window;
  /** `from SOURCE`, when the notebook has several sources. */
  from?: Name;
  range: Range;
}

/** `top 10% by revenue`, `bottom 100 by purchases`. */
export interface RankAst {
  kind: 'rank';
  direction: 'top' | 'bottom';
  amount: NumberText;
  percent: boolean;
  by: Expr;
  range: Range;
}

/** `revenue above median`, `revenue below percentile 25`. */
export interface QuantileAst {
  kind: 'quantile';
  operand: Expr;
  above: boolean;
  /** Absent for the median. */
  percentile?: NumberText;
  range: Range;
}

/** `entered vip during …`, `left vip during …`, `was vip on date "…"` / `was vip during …`. */
export interface MembershipAst {
  kind: 'membership';
  change: 'entered' | 'left' | 'was';
  segment: Name;
  window?: Window;
  /** `on date "…"` or `on timestamp "…"`. */
  on?: Expr;
  range: Range;
}

/** The behavioural kinds of the expression syntax tree. */
export type BehaviourExprAst = BehaviourAst | RankAst | QuantileAst | MembershipAst;
