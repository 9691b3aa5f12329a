import { CstParser, EOF, type CstNode, type IToken, type IParserErrorMessageProvider, type TokenType } from 'chevrotain';
import * as t from './tokens.js';

/** Friendlier wording than Chevrotain's defaults: names tokens as a user writes them. */
const tokenLabels: Record<string, string> = {
  Identifier: 'a name',
  QuotedIdentifier: 'a `quoted name`',
  NumberLiteral: 'a number',
  StringLiteral: 'a "string"',
  ComparisonOperator: 'a comparison (=, !=, <, <=, >, >=)',
  AdditiveOperator: '+ or -',
  MultiplicativeOperator: '*, / or %',
  Equals: '=',
  LParen: '(',
  RParen: ')',
  Comma: ',',
  Dot: '.',
};

export function tokenLabel(type: TokenType): string {
  if (type === EOF) return 'the end of the cell';
  const label = tokenLabels[type.name];
  if (label) return label;
  return `\`${type.name.toLowerCase()}\``;
}

function found(token: IToken): string {
  return token.tokenType === EOF ? 'the end of the cell' : `\`${token.image}\``;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${tokenLabel(expected)} but found ${found(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `unexpected ${found(firstRedundant)}; a definition starts with source, metric, profile, segment, query, plot, pipeline, schedule, destination or as of`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `expected ${describeRule(ruleName)} but found ${found(actual[0]!)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `expected ${describeRule(ruleName)} but found ${found(actual[0]!)}`,
};

/** Words a number in a setting takes as its unit (`2 seconds`, `64 mb`); any other word starts the next setting. */
const unitWords = new Set<string>([...t.softKeywords.units, ...t.softKeywords.flushUnits, 'second', 'row', 'byte', 'month', 'months']);
function isUnitWord(image: string | undefined): boolean {
  return image !== undefined && unitWords.has(image.toLowerCase());
}

function startsValue(type: TokenType): boolean {
  return type === t.StringLiteral || type === t.NumberLiteral || type === t.Identifier || type === t.QuotedIdentifier;
}

/** Words that start a membership condition (`entered vip during last 7 days`). */
function isMembershipWord(image: string | undefined): boolean {
  return image !== undefined && /^(entered|left|was)$/i.test(image);
}

/** Words that compare a value with a statistic of all customers (`revenue above median`). */
function isQuantileWord(image: string | undefined): boolean {
  return image !== undefined && /^(above|below)$/i.test(image);
}

const expressionRules = ['expression', 'andExpression', 'notExpression', 'predicate', 'additive', 'multiplicative', 'unary', 'atom'];

function describeRule(rule: string): string {
  if (expressionRules.includes(rule)) return 'an expression';
  const names: Record<string, string> = {
    program: 'a definition',
    statement: 'a definition (source, metric, profile, segment, query, plot, pipeline, schedule, destination or as of)',
    window: 'a window (`last 30 days`, or `between date "…" and date "…"`)',
    name: 'a name',
    profileDefinition: 'a list of metrics',
    queryDefinition: 'a query clause',
    functionCall: 'function arguments',
    behaviourStep: 'an event name in quotes ("purchase"), a list ("view", "cart") or anything',
    eventNames: 'an event name in quotes, e.g. "purchase"',
    behaviourClause: 'a clause such as `at least 2 times`, `within 1 hour` or `during last 30 days`',
    wordClause: 'a clause such as `at least 2 times`, `within 1 hour`, `for 30 days` or `for the first time`',
    regularlyClause: '`in at least N of the last M weeks`',
    rankCondition: '`top 10% by METRIC` or `bottom 10% by METRIC`',
    membershipCondition: '`entered SEGMENT`, `left SEGMENT` or `was SEGMENT`',
  };
  return names[rule] ?? rule.replace(/([A-Z])/g, ' $1').toLowerCase();
}

/**
 * The kohort grammar. One shared instance; callers set `parser.input` and call `program()`.
 * Recovery is on so editors get a tree (and completion) for broken text.
 */
export class KohortParser extends CstParser {
  constructor() {
    super(t.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full', errorMessageProvider: messages, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sourceDefinition) },
      { ALT: () => this.SUBRULE(this.metricDefinition) },
      { ALT: () => this.SUBRULE(this.profileDefinition) },
      { ALT: () => this.SUBRULE(this.segmentDefinition) },
      { ALT: () => this.SUBRULE(this.queryDefinition) },
      { ALT: () => this.SUBRULE(this.plotDefinition) },
      { ALT: () => this.SUBRULE(this.pipelineDefinition) },
      { ALT: () => this.SUBRULE(this.scheduleDefinition) },
      { ALT: () => this.SUBRULE(this.destinationDefinition) },
      { ALT: () => this.SUBRULE(this.asOfDefinition) },
    ]);
  });

  /** `source events = lake "events" key user_id time event_time` */
  sourceDefinition = this.RULE('sourceDefinition', () => {
    this.CONSUME(t.Source);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.CONSUME(t.Identifier, { LABEL: 'locationKind' });
    this.CONSUME(t.StringLiteral, { LABEL: 'locationPath' });
    this.MANY(() => {
      this.CONSUME2(t.Identifier, { LABEL: 'clause' });
      this.SUBRULE2(this.name, { LABEL: 'clauseValue' });
    });
  });

  /** `metric revenue = sum(price) [from events] [where …] [during last 30 days]` */
  metricDefinition = this.RULE('metricDefinition', () => {
    this.CONSUME(t.Metric);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.SUBRULE(this.fromClause));
    this.OPTION2(() => this.SUBRULE(this.whereClause));
    this.OPTION3(() => this.SUBRULE(this.window));
  });

  /** `profile customers [per day] = views, purchases, revenue` */
  profileDefinition = this.RULE('profileDefinition', () => {
    this.CONSUME(t.Profile);
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(t.Per);
      this.CONSUME(t.Identifier, { LABEL: 'grain' });
    });
    this.CONSUME(t.Equals);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE2(this.name, { LABEL: 'columns' }) });
  });

  /** `segment vip = revenue >= 1000 and purchases >= 3` */
  segmentDefinition = this.RULE('segmentDefinition', () => {
    this.CONSUME(t.Segment);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expression);
  });

  /** `query top = from customers [where …] [group by …] [select …] [order by …] [limit N]` */
  queryDefinition = this.RULE('queryDefinition', () => {
    this.CONSUME(t.Query);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.fromClause);
    this.OPTION(() => this.SUBRULE(this.whereClause));
    this.OPTION2(() => {
      this.CONSUME(t.Group);
      this.CONSUME(t.By);
      this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.selectItem, { LABEL: 'groupItems' }) });
    });
    this.OPTION3(() => {
      this.CONSUME(t.Select);
      this.AT_LEAST_ONE_SEP2({ SEP: t.Comma, DEF: () => this.SUBRULE2(this.selectItem, { LABEL: 'selectItems' }) });
    });
    this.OPTION4(() => {
      this.CONSUME(t.Order);
      this.CONSUME2(t.By);
      this.AT_LEAST_ONE_SEP3({ SEP: t.Comma, DEF: () => this.SUBRULE(this.orderItem) });
    });
    this.OPTION5(() => {
      this.CONSUME(t.Limit);
      this.CONSUME(t.NumberLiteral, { LABEL: 'limit' });
    });
  });

  /** `name = expr [where cond]` or `expr` */
  selectItem = this.RULE('selectItem', () => {
    this.OPTION(() => {
      this.SUBRULE(this.name, { LABEL: 'alias' });
      this.CONSUME(t.Equals);
    });
    this.SUBRULE(this.expression);
    this.OPTION2(() => this.SUBRULE(this.whereClause));
  });

  orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(t.Asc) }, { ALT: () => this.CONSUME(t.Desc) }]));
  });

  /** `plot revenue_chart = line revenue_by_day (x = day, y = revenue, color = brand)` */
  plotDefinition = this.RULE('plotDefinition', () => {
    this.CONSUME(t.Plot);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.CONSUME(t.Identifier, { LABEL: 'mark' });
    this.SUBRULE2(this.name, { LABEL: 'data' });
    this.CONSUME(t.LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: t.Comma,
      DEF: () => {
        this.CONSUME2(t.Identifier, { LABEL: 'channel' });
        this.CONSUME2(t.Equals);
        this.SUBRULE3(this.name, { LABEL: 'channelValue' });
      },
    });
    this.CONSUME(t.RParen);
  });

  /**
   * `pipeline live = kafka "events" brokers "127.0.0.1:9092" format json into events
   *    [lake "hdfs://…"] [group "…"] [flush 50000 rows, 64 mb, 2 seconds]`
   */
  pipelineDefinition = this.RULE('pipelineDefinition', () => {
    this.CONSUME(t.Pipeline);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.CONSUME(t.Identifier, { LABEL: 'connector' });
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.CONSUME(t.StringLiteral, { LABEL: 'topics' }) });
    this.MANY(() => this.SUBRULE(this.settingClause));
  });

  /**
   * `schedule nightly = cron "0 3 * * *" timezone "Europe/Berlin" refresh customers, vip missed skip`,
   * `schedule hourly = every 1 hour`, `schedule fresh = on new data in events`
   */
  scheduleDefinition = this.RULE('scheduleDefinition', () => {
    this.CONSUME(t.Schedule);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.scheduleTrigger);
    this.MANY(() => this.SUBRULE(this.settingClause));
  });

  /** `cron "…"`, `every 2 hours`, `on new data in events, clicks` (the words are checked by the checker). */
  scheduleTrigger = this.RULE('scheduleTrigger', () => {
    this.CONSUME(t.Identifier, { LABEL: 'trigger' });
    this.OR([
      { ALT: () => this.CONSUME(t.StringLiteral, { LABEL: 'text' }) },
      {
        ALT: () => {
          this.CONSUME(t.NumberLiteral, { LABEL: 'amount' });
          this.CONSUME2(t.Identifier, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME3(t.Identifier, { LABEL: 'words' });
          this.CONSUME4(t.Identifier, { LABEL: 'words' });
          this.CONSUME(t.In);
          this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.name, { LABEL: 'sources' }) });
        },
      },
    ]);
  });

  /** `destination crm = webhook "https://…" segments vip, at_risk secret env "CRM_SECRET" batch 500` */
  destinationDefinition = this.RULE('destinationDefinition', () => {
    this.CONSUME(t.Destination);
    this.SUBRULE(this.name);
    this.CONSUME(t.Equals);
    this.CONSUME(t.Identifier, { LABEL: 'kind' });
    this.CONSUME(t.StringLiteral, { LABEL: 'target' });
    this.MANY(() => this.SUBRULE(this.settingClause));
  });

  /**
   * One `word value` setting of a pipeline, schedule or destination: `brokers "a:9092"`,
   * `secret env "X"`, `refresh customers, vip`, `format json`, `flush 50000 rows, 2 seconds`, `retries 3`.
   */
  settingClause = this.RULE('settingClause', () => {
    // `group` is a keyword elsewhere (group by); here it names the consumer group.
    this.OR1([{ ALT: () => this.CONSUME(t.Identifier, { LABEL: 'clause' }) }, { ALT: () => this.CONSUME(t.Group, { LABEL: 'clause' }) }]);
    this.OR([
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME2(t.Identifier, { LABEL: 'qualifier' }));
          this.CONSUME(t.StringLiteral, { LABEL: 'text' });
        },
      },
      { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.name, { LABEL: 'names' }) }) },
      {
        ALT: () =>
          this.AT_LEAST_ONE_SEP2({
            SEP: t.Comma,
            DEF: () => {
              this.CONSUME(t.NumberLiteral, { LABEL: 'amounts' });
              // A unit is optional (`retries 3`): a word after a number is its unit when it is a known
              // unit, or when no value follows it (so `2 fortnights` is checked as a unit, not parsed as a setting).
              this.OPTION2({ GATE: () => isUnitWord(this.LA(1).image) || !startsValue(this.LA(2).tokenType), DEF: () => this.CONSUME3(t.Identifier, { LABEL: 'units' }) });
            },
          }),
      },
    ]);
  });

  /** `as of latest` or `as of date "2019-10-31"` */
  asOfDefinition = this.RULE('asOfDefinition', () => {
    this.CONSUME(t.As);
    this.CONSUME(t.Of);
    this.SUBRULE(this.expression);
  });

  fromClause = this.RULE('fromClause', () => {
    this.CONSUME(t.From);
    this.SUBRULE(this.name);
  });

  whereClause = this.RULE('whereClause', () => {
    this.CONSUME(t.Where);
    this.SUBRULE(this.expression);
  });

  /** `during last 30 days` or `during between date "…" and date "…"` */
  window = this.RULE('window', () => {
    this.CONSUME(t.During);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Identifier, { LABEL: 'last' });
          this.CONSUME(t.NumberLiteral, { LABEL: 'amount' });
          this.CONSUME2(t.Identifier, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Between);
          this.SUBRULE(this.additive, { LABEL: 'low' });
          this.CONSUME(t.And);
          this.SUBRULE2(this.additive, { LABEL: 'high' });
        },
      },
    ]);
  });

  name = this.RULE('name', () => {
    this.OR([{ ALT: () => this.CONSUME(t.Identifier) }, { ALT: () => this.CONSUME(t.QuotedIdentifier) }]);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(t.Or);
      this.SUBRULE2(this.andExpression, { LABEL: 'operands' });
    });
  });

  andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(t.And);
      this.SUBRULE2(this.notExpression, { LABEL: 'operands' });
    });
  });

  notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Not);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.behaviourCondition) },
      { ALT: () => this.SUBRULE(this.rankCondition) },
      // `entered vip …` reads like a value followed by a word; only these three words start one.
      { GATE: () => isMembershipWord(this.LA(1).image), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.membershipCondition) },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  /** A value, optionally compared: `a > b`, `a [not] between x and y`, `a [not] in (…)`, `a is [not] null`, `a starts with "x"`. */
  predicate = this.RULE('predicate', () => {
    this.SUBRULE(this.additive, { LABEL: 'left' });
    // A word after a value continues it only as `above …`/`below …` (a behaviour clause may follow an event filter).
    this.OPTION({
      GATE: () => this.LA(1).tokenType !== t.Identifier || isQuantileWord(this.LA(1).image),
      DEF: () =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.ComparisonOperator);
            this.SUBRULE2(this.additive, { LABEL: 'right' });
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(t.Not));
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(t.Between);
                  this.SUBRULE3(this.additive, { LABEL: 'low' });
                  this.CONSUME(t.And);
                  this.SUBRULE4(this.additive, { LABEL: 'high' });
                },
              },
              {
                ALT: () => {
                  this.CONSUME(t.In);
                  this.CONSUME(t.LParen);
                  this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE5(this.additive, { LABEL: 'list' }) });
                  this.CONSUME(t.RParen);
                },
              },
              {
                ALT: () => {
                  this.OR3([
                    { ALT: () => this.CONSUME(t.Starts) },
                    { ALT: () => this.CONSUME(t.Ends) },
                  ]);
                  this.CONSUME(t.With);
                  this.SUBRULE6(this.additive, { LABEL: 'pattern' });
                },
              },
              {
                ALT: () => {
                  this.CONSUME(t.Contains);
                  this.SUBRULE7(this.additive, { LABEL: 'pattern' });
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Is);
            this.OPTION3(() => this.CONSUME2(t.Not, { LABEL: 'isNot' }));
            this.CONSUME(t.Null);
          },
        },
        {
          // `revenue above median`, `revenue below percentile 25`
          ALT: () => {
            this.CONSUME(t.Identifier, { LABEL: 'position' });
            this.CONSUME2(t.Identifier, { LABEL: 'statistic' });
            this.OPTION4(() => this.CONSUME(t.NumberLiteral, { LABEL: 'percentile' }));
          },
        },
      ]),
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(t.AdditiveOperator);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operands' });
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(t.MultiplicativeOperator);
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  atom = this.RULE('atom', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.True) },
      { ALT: () => this.CONSUME(t.False) },
      { ALT: () => this.CONSUME(t.Null) },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      // `date "2019-10-01"`, `timestamp "…"`: a soft keyword before a string.
      {
        ALT: () => {
          this.CONSUME(t.Identifier, { LABEL: 'literalType' });
          this.CONSUME2(t.StringLiteral, { LABEL: 'typedValue' });
        },
      },
      { ALT: () => this.SUBRULE(this.functionCall) },
      { ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(t.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(t.RParen);
  });

  /** `count()`, `count(*)`, `count(distinct user_session)`, `coalesce(a, b)` */
  functionCall = this.RULE('functionCall', () => {
    this.CONSUME(t.Identifier, { LABEL: 'function' });
    this.CONSUME(t.LParen);
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.Star) },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(t.Distinct));
            this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: 'args' }) });
          },
        },
      ]),
    );
    this.CONSUME(t.RParen);
  });

  /** `price`, `events.price`, `` `odd name` `` */
  reference = this.RULE('reference', () => {
    this.SUBRULE(this.name, { LABEL: 'parts' });
    this.OPTION(() => {
      this.CONSUME(t.Dot);
      this.SUBRULE2(this.name, { LABEL: 'parts' });
    });
  });

  caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(t.Case);
    this.AT_LEAST_ONE(() => {
      this.CONSUME(t.When);
      this.SUBRULE(this.expression, { LABEL: 'conditions' });
      this.CONSUME(t.Then);
      this.SUBRULE2(this.expression, { LABEL: 'results' });
    });
    this.OPTION(() => {
      this.CONSUME(t.Else);
      this.SUBRULE3(this.expression, { LABEL: 'otherwise' });
    });
    this.CONSUME(t.End);
  });

  // --- behavioural conditions (dsl/behaviour-ast.ts) ------------------------------------------

  /**
   * `did "purchase" at least 2 times during last 30 days`, `never "purchase"`, `stopped "purchase" for 30 days`,
   * `did "view" then "cart" within 1 hour then not "purchase" within 1 hour with same product_id`.
   */
  behaviourCondition = this.RULE('behaviourCondition', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Did, { LABEL: 'verb' }) },
      { ALT: () => this.CONSUME(t.Never, { LABEL: 'verb' }) },
      { ALT: () => this.CONSUME(t.Stopped, { LABEL: 'verb' }) },
      { ALT: () => this.CONSUME(t.Restarted, { LABEL: 'verb' }) },
    ]);
    this.SUBRULE(this.behaviourStep, { LABEL: 'steps' });
    this.MANY(() => {
      this.CONSUME(t.Then);
      this.SUBRULE2(this.behaviourStep, { LABEL: 'steps' });
    });
  });

  /** One step: `[not] "cart" [where PREDICATE] [clause…]`; a compound filter goes in parentheses. */
  behaviourStep = this.RULE('behaviourStep', () => {
    this.OPTION(() => this.CONSUME(t.Not));
    this.OR([
      { ALT: () => this.SUBRULE(this.eventNames) },
      { ALT: () => this.CONSUME(t.Identifier, { LABEL: 'anything' }) },
    ]);
    this.OPTION2(() => {
      this.CONSUME(t.Where);
      this.SUBRULE(this.predicate, { LABEL: 'filter' });
    });
    this.MANY(() => this.SUBRULE(this.behaviourClause));
  });

  /** `"purchase"` or `("view", "cart")` */
  eventNames = this.RULE('eventNames', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.StringLiteral, { LABEL: 'names' }) },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.CONSUME2(t.StringLiteral, { LABEL: 'names' }) });
          this.CONSUME(t.RParen);
        },
      },
    ]);
  });

  /** What follows a step: a window, `from SOURCE`, `with same COLUMN, …`, `between 2 and 5 times`, `in at least …`, or a word clause. */
  behaviourClause = this.RULE('behaviourClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.window) },
      {
        ALT: () => {
          this.CONSUME(t.From);
          this.SUBRULE(this.name, { LABEL: 'source' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.With);
          this.CONSUME(t.Identifier, { LABEL: 'same' });
          this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE2(this.name, { LABEL: 'columns' }) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Between);
          this.CONSUME(t.NumberLiteral, { LABEL: 'low' });
          this.CONSUME(t.And);
          this.CONSUME2(t.NumberLiteral, { LABEL: 'high' });
          this.CONSUME2(t.Identifier, { LABEL: 'unit' });
        },
      },
      { ALT: () => this.SUBRULE(this.regularlyClause) },
      { ALT: () => this.SUBRULE(this.wordClause) },
    ]);
  });

  /** `in at least 3 of the last 4 weeks` */
  regularlyClause = this.RULE('regularlyClause', () => {
    this.CONSUME(t.In);
    this.CONSUME(t.Identifier, { LABEL: 'words' });
    this.CONSUME2(t.Identifier, { LABEL: 'words' });
    this.CONSUME(t.NumberLiteral, { LABEL: 'atLeast' });
    this.CONSUME(t.Of);
    this.OPTION(() => this.CONSUME3(t.Identifier, { LABEL: 'words' }));
    this.CONSUME4(t.Identifier, { LABEL: 'words' });
    this.CONSUME2(t.NumberLiteral, { LABEL: 'periods' });
    this.CONSUME5(t.Identifier, { LABEL: 'unit' });
  });

  /**
   * `exactly 2 times`, `within 1 hour`, `for 30 days`, `after 30 days`, `at least 3 times`, `at most 1 time`,
   * `all within 2 hours`, `for the first time`, `without "remove_from_cart" [where …]`; the words are checked later.
   */
  wordClause = this.RULE('wordClause', () => {
    this.CONSUME(t.Identifier, { LABEL: 'words' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.NumberLiteral, { LABEL: 'amount' });
          this.CONSUME2(t.Identifier, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME3(t.Identifier, { LABEL: 'words' });
          this.OR2([
            {
              ALT: () => {
                this.CONSUME2(t.NumberLiteral, { LABEL: 'amount' });
                this.CONSUME4(t.Identifier, { LABEL: 'unit' });
              },
            },
            {
              ALT: () => {
                this.CONSUME5(t.Identifier, { LABEL: 'words' });
                this.CONSUME6(t.Identifier, { LABEL: 'words' });
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.eventNames);
          this.OPTION(() => {
            this.CONSUME(t.Where);
            this.SUBRULE(this.predicate, { LABEL: 'filter' });
          });
        },
      },
    ]);
  });

  /** `top 10% by revenue`, `bottom 100 by purchases` */
  rankCondition = this.RULE('rankCondition', () => {
    this.CONSUME(t.Identifier, { LABEL: 'direction' });
    this.CONSUME(t.NumberLiteral, { LABEL: 'amount' });
    this.OPTION(() => this.CONSUME(t.Percent));
    this.CONSUME(t.By);
    this.SUBRULE(this.additive, { LABEL: 'by' });
  });

  /** `entered vip [during …]`, `left vip [during …]`, `was vip on date "2019-10-15"`, `was vip during last 30 days` */
  membershipCondition = this.RULE('membershipCondition', () => {
    this.CONSUME(t.Identifier, { LABEL: 'change' });
    this.SUBRULE(this.name, { LABEL: 'segment' });
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.window) },
        {
          ALT: () => {
            this.CONSUME2(t.Identifier, { LABEL: 'on' });
            this.SUBRULE(this.additive, { LABEL: 'at' });
          },
        },
      ]),
    );
  });
}

/** The one parser instance; Chevrotain parsers are built once and reused. */
export const parser = new KohortParser();

export interface ParseOutput {
  cst: CstNode;
  tokens: IToken[];
  lexErrors: { offset: number; length: number; message: string }[];
  parseErrors: { token: IToken; message: string; previous?: IToken }[];
}

/** Lexes and parses one DSL cell's text. Offsets are relative to that text. */
export function parseDsl(text: string): ParseOutput {
  const lexed = t.kohortLexer.tokenize(text);
  parser.input = lexed.tokens;
  const cst = parser.program();
  return {
    cst,
    tokens: lexed.tokens,
    lexErrors: lexed.errors.map((e) => lexError(text, e.offset, e.length)),
    parseErrors: parser.errors.map((e) => ({ token: e.token, message: e.message, previous: (e as { previousToken?: IToken }).previousToken })),
  };
}

function lexError(text: string, offset: number, length: number): { offset: number; length: number; message: string } {
  const ch = text.slice(offset, offset + Math.max(1, length));
  // An unclosed quote runs to the end of its line: mark all of it.
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  if (ch.startsWith('"') || ch.startsWith("'")) {
    return { offset, length: lineEnd - offset, message: 'unterminated string: close it with a matching quote on the same line' };
  }
  if (ch.startsWith('`')) return { offset, length: lineEnd - offset, message: 'unterminated `quoted name`: close it with a backtick on the same line' };
  return { offset, length, message: `unexpected character${length > 1 ? 's' : ''} \`${ch}\`` };
}
