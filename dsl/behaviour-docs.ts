/**
 * One line (or two) for each word of behavioural conditions: what hover shows over the word and
 * what completion shows beside it. The full grammar is in dsl/CONTEXT.md and the README.
 */
export const behaviourDocs: Readonly<Record<string, string>> = {
  did: '`did "event" [where …] [at least N times] [during …]`: customers with such events, up to the as-of time. `did A then B …` is a sequence.',
  never: '`never "event" …`: customers without such events (the same as `not did …`). Members come from all customers of the source.',
  stopped: '`stopped "event" for 30 days [during last 90 days]`: did it before (in the window, when given), not in the last 30 days.',
  restarted: '`restarted "event" after 30 days during last 7 days`: their first such event in the window came at least 30 days after the one before.',
  then: 'The next step of a sequence: a different event strictly later than the previous step. `then not "event" within 1 hour` ends a sequence with an event that did not happen.',
  anything: '`did anything …`: any event of the source.',
  within: '`then "cart" within 1 hour`: at most this long after the previous step (inclusive). `all within 2 hours`: the whole sequence, first step to last.',
  without: '`then "purchase" without "remove_from_cart"`: no such event between the previous step and this one (both ends included).',
  same: '`with same product_id`: every step of the sequence has the same (non-null) value of the column.',
  least: '`at least N times` / `in at least N of the last M weeks`.',
  most: '`at most N times` (0 included: customers without the event are members).',
  exactly: '`exactly N times`.',
  times: 'How often: `at least 3 times`, `exactly 1 time`, `between 2 and 5 times`.',
  first: '`for the first time during last 7 days`: the customer\'s first such event ever falls in the window.',
  top: '`top 10% by METRIC` (or `top 100 by METRIC`): the customers with the largest values; ties at the edge are all in, customers without a value are out.',
  bottom: '`bottom 10% by METRIC`: the customers with the smallest values; ties at the edge are all in.',
  above: '`METRIC above median` / `above percentile 90`: strictly above that value over all customers of the source.',
  below: '`METRIC below median` / `below percentile 25`: strictly below that value over all customers of the source.',
  median: 'The middle value of a metric over all customers of the source (continuous: between the two middle ones when they differ).',
  percentile: '`percentile P` (0–100): the value P% of customers are below, interpolated (DuckDB quantile_cont).',
  entered: '`entered SEGMENT [during …]`: joined the segment, according to the membership history of this notebook\'s runs.',
  left: '`left SEGMENT [during …]`: left the segment, according to the membership history of this notebook\'s runs.',
  was: '`was SEGMENT on date "…"` (any time that day), `on timestamp "…"`, or `during …`: a member then, according to the history of runs.',
};
