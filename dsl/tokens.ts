import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * The kohort token list, in matching order. Hard keywords are few: the words that start a
 * definition (so error recovery can resynchronise on them) and the SQL-like clause words.
 * Everything else (`lake`, `key`, `time`, `last`, `days`, `date "…"`, `latest`, plot channels) is a
 * soft keyword: an Identifier whose meaning the parser's position gives, so columns named `date`,
 * `time` or `key` stay usable.
 */

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/** `` `any name` `` for columns that are not plain identifiers or clash with keywords. */
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`(?:[^`\n]|``)*`/ });

function keyword(name: string, word: string = name.toLowerCase()): TokenType {
  return createToken({ name, pattern: new RegExp(`${word}\\b`, 'i'), longer_alt: Identifier });
}

// Definition starters.
export const Source = keyword('Source');
export const Metric = keyword('Metric');
export const Profile = keyword('Profile');
export const Segment = keyword('Segment');
export const Query = keyword('Query');
export const Plot = keyword('Plot');
export const Pipeline = keyword('Pipeline');
export const Schedule = keyword('Schedule');
export const Destination = keyword('Destination');
export const As = keyword('As');
export const Of = keyword('Of');
/** Tokens that begin a statement; recovery resynchronises on them. */
export const statementStarters = [Source, Metric, Profile, Segment, Query, Plot, Pipeline, Schedule, Destination, As];

// Clauses.
export const From = keyword('From');
export const Where = keyword('Where');
export const During = keyword('During');
export const Per = keyword('Per');
export const Group = keyword('Group');
export const By = keyword('By');
export const Select = keyword('Select');
export const Order = keyword('Order');
export const Asc = keyword('Asc');
export const Desc = keyword('Desc');
export const Limit = keyword('Limit');

// Expressions.
export const And = keyword('And');
export const Or = keyword('Or');
export const Not = keyword('Not');
export const In = keyword('In');
export const Is = keyword('Is');
export const Between = keyword('Between');
export const Starts = keyword('Starts');
export const Ends = keyword('Ends');
export const With = keyword('With');
export const Contains = keyword('Contains');
export const Case = keyword('Case');
export const When = keyword('When');
export const Then = keyword('Then');
export const Else = keyword('Else');
export const End = keyword('End');
export const Distinct = keyword('Distinct');
export const Null = keyword('Null');
export const True = keyword('True');
export const False = keyword('False');

// Behavioural conditions in segments (dsl/behaviour-ast.ts): the words that start one.
export const Did = keyword('Did');
export const Never = keyword('Never');
export const Stopped = keyword('Stopped');
export const Restarted = keyword('Restarted');

export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
/** Double- or single-quoted; a quote is doubled or backslash-escaped inside. No raw newlines. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\n]|\\.|"")*"|'(?:[^'\\\n]|\\.|'')*'/,
});

// Operators, grouped in categories so the parser matches a family at once.
export const ComparisonOperator = createToken({ name: 'ComparisonOperator', pattern: Lexer.NA });
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA });
export const MultiplicativeOperator = createToken({ name: 'MultiplicativeOperator', pattern: Lexer.NA });

export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=|<>/, categories: ComparisonOperator });
export const LessOrEqual = createToken({ name: 'LessOrEqual', pattern: /<=/, categories: ComparisonOperator });
export const GreaterOrEqual = createToken({ name: 'GreaterOrEqual', pattern: />=/, categories: ComparisonOperator });
export const Less = createToken({ name: 'Less', pattern: /</, categories: ComparisonOperator });
export const Greater = createToken({ name: 'Greater', pattern: />/, categories: ComparisonOperator });
/** `=` both defines (`metric x = …`) and compares; the parser's position tells which. */
export const Equals = createToken({ name: 'Equals', pattern: /==?/, categories: ComparisonOperator });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: AdditiveOperator });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: AdditiveOperator });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: MultiplicativeOperator });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: MultiplicativeOperator });
export const Percent = createToken({ name: 'Percent', pattern: /%/, categories: MultiplicativeOperator });

export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });

export const Comment = createToken({ name: 'Comment', pattern: /--[^\n]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });

export const keywordTokens: TokenType[] = [
  Source, Metric, Profile, Segment, Query, Plot, Pipeline, Schedule, Destination, As, Of,
  From, Where, During, Per, Group, By, Select, Order, Asc, Desc, Limit,
  And, Or, Not, In, Is, Between, Starts, Ends, With, Contains,
  Case, When, Then, Else, End, Distinct, Null, True, False,
  Did, Never, Stopped, Restarted,
];

/** Order matters: comments before `-`, keywords before Identifier, `<=` before `<`. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywordTokens,
  Identifier,
  QuotedIdentifier,
  NumberLiteral,
  StringLiteral,
  NotEquals,
  LessOrEqual,
  GreaterOrEqual,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  Comma,
  Dot,
  ComparisonOperator,
  AdditiveOperator,
  MultiplicativeOperator,
];

export const kohortLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

/** Words that carry meaning by position (soft keywords); completion offers them where they fit. */
export const softKeywords = {
  sourceKinds: ['lake', 'parquet', 'csv'],
  sourceClauses: ['key', 'time'],
  windowStart: 'last',
  units: ['minute', 'minutes', 'hour', 'hours', 'day', 'days', 'week', 'weeks'],
  grains: ['day'],
  typedLiterals: ['date', 'timestamp'],
  asOf: ['latest'],
  plotMarks: ['line', 'bar', 'area', 'dot'],
  plotChannels: ['x', 'y', 'color'],
  pipelineKinds: ['kafka'],
  pipelineClauses: ['brokers', 'format', 'into', 'lake', 'group', 'flush'],
  pipelineFormats: ['json', 'csv'],
  flushUnits: ['rows', 'bytes', 'kb', 'mb', 'gb', 'seconds', 'ms'],
  scheduleTriggers: ['cron', 'every', 'on new data in'],
  scheduleClauses: ['timezone', 'refresh', 'missed', 'retries', 'backoff'],
  missedPolicies: ['once', 'skip'],
  destinationKinds: ['webhook'],
  destinationClauses: ['segments', 'secret', 'batch', 'retries'],
} as const;
