import type { CstNode, IToken } from 'chevrotain';
import type * as ast from './ast.js';
import type * as cst from './cst.js';
import { diagnostic, type Diagnostic, type LineIndex, type Range } from './diagnostics.js';
import { parser } from './parser.js';
import { softKeywords } from './tokens.js';
import { BehaviourAstBuilder } from './to-ast-behaviour.js';

const BaseVisitor = parser.getBaseCstVisitorConstructorWithDefaults();

/**
 * Turns the CST of one DSL cell into AST statements. It survives recovered nodes: a part that
 * recovery left out becomes an `error` expression (already reported by the parser), never a crash.
 */
class AstBuilder extends BaseVisitor {
  diagnostics: Diagnostic[] = [];

  private lines!: LineIndex;
  /** Offset of the cell's text in the notebook. */
  private base = 0;

  /** Behavioural conditions (`did …`, `top 10% by …`, `entered vip …`) are built in to-ast-behaviour.ts. */
  private readonly behaviour = new BehaviourAstBuilder({
    expr: (n) => this.expr(n),
    name: (n) => this.nameOf(n),
    window: (n) => this.window((n as cst.WindowCstNode).children, n),
    nodeRange: (n) => this.nodeRange(n),
    tokenRange: (t) => this.tokenRange(t),
    report: (d) => this.diagnostics.push(d),
  });

  constructor() {
    super();
    this.validateVisitor();
  }

  reset(lines: LineIndex, base: number): void {
    this.lines = lines;
    this.base = base;
    this.diagnostics = [];
  }

  /** Visits a node passing the node itself, so rule methods can read its location. */
  private v(node: CstNode): unknown {
    return this.visit(node, node);
  }

  // --- ranges ---------------------------------------------------------------------------------

  private span(start: number, endInclusive: number): Range {
    if (!Number.isFinite(start)) return this.lines.range(this.base, this.base);
    const end = Number.isFinite(endInclusive) ? endInclusive + 1 : start;
    return this.lines.range(this.base + start, this.base + end);
  }

  private nodeRange(node: CstNode | undefined): Range {
    const loc = node?.location;
    if (!loc) return this.lines.range(this.base, this.base);
    return this.span(loc.startOffset, loc.endOffset ?? loc.startOffset);
  }

  private tokenRange(token: IToken): Range {
    return this.span(token.startOffset, token.endOffset ?? token.startOffset);
  }

  private rangeFrom(first: Range, last: Range): Range {
    return { start: first.start, end: last.end };
  }

  private missing(node: CstNode | undefined): ast.Expr {
    return { kind: 'error', range: this.nodeRange(node) };
  }

  // --- statements -----------------------------------------------------------------------------

  program(ctx: cst.ProgramCstChildren): ast.Statement[] {
    const out: ast.Statement[] = [];
    for (const s of ctx.statement ?? []) {
      const st = this.v(s) as ast.Statement | undefined;
      if (st) out.push(st);
    }
    return out;
  }

  statement(ctx: cst.StatementCstChildren): ast.Statement | undefined {
    const child =
      ctx.sourceDefinition?.[0] ??
      ctx.metricDefinition?.[0] ??
      ctx.profileDefinition?.[0] ??
      ctx.segmentDefinition?.[0] ??
      ctx.queryDefinition?.[0] ??
      ctx.plotDefinition?.[0] ??
      ctx.pipelineDefinition?.[0] ??
      ctx.scheduleDefinition?.[0] ??
      ctx.destinationDefinition?.[0] ??
      ctx.asOfDefinition?.[0];
    return child ? (this.v(child) as ast.Statement | undefined) : undefined;
  }

  sourceDefinition(ctx: cst.SourceDefinitionCstChildren, node?: CstNode): ast.SourceDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const kindToken = ctx.locationKind?.[0];
    const pathToken = ctx.locationPath?.[0];
    if (!name || !kindToken || !pathToken || kindToken.isInsertedInRecovery || pathToken.isInsertedInRecovery) return undefined;
    const kind = kindToken.image.toLowerCase();
    const locationRange = this.rangeFrom(this.tokenRange(kindToken), this.tokenRange(pathToken));
    if (!(softKeywords.sourceKinds as readonly string[]).includes(kind)) {
      this.diagnostics.push(
        diagnostic('syntax-error', `unknown source kind \`${kindToken.image}\`; write lake "NAME", parquet "PATH" or csv "PATH"`, this.tokenRange(kindToken)),
      );
      return undefined;
    }
    const def: ast.SourceDefinition = {
      kind: 'source',
      name,
      location: { kind: kind as ast.SourceLocationKind, path: unquote(pathToken.image), range: locationRange },
      range: this.nodeRange(node),
    };
    const clauses = ctx.clause ?? [];
    const values = ctx.clauseValue ?? [];
    clauses.forEach((clause, i) => {
      const value = this.nameOf(values[i]);
      const word = clause.image.toLowerCase();
      if (!value) return;
      if (word === 'key' || word === 'time' || word === 'event') {
        if (def[word]) this.diagnostics.push(diagnostic('syntax-error', `\`${word}\` is given twice`, this.tokenRange(clause)));
        def[word] = value;
      } else {
        this.diagnostics.push(
          diagnostic('syntax-error', `unknown source clause \`${clause.image}\`; a source takes \`key COLUMN\`, \`time COLUMN\` and \`event COLUMN\``, this.tokenRange(clause)),
        );
      }
    });
    return def;
  }

  metricDefinition(ctx: cst.MetricDefinitionCstChildren, node?: CstNode): ast.MetricDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    if (!name) return undefined;
    const def: ast.MetricDefinition = { kind: 'metric', name, expr: this.expr(ctx.expression?.[0]), range: this.nodeRange(node) };
    const from = ctx.fromClause?.[0];
    if (from) {
      const n = this.nameOf(from.children.name?.[0]);
      if (n) def.from = n;
    }
    const where = ctx.whereClause?.[0];
    if (where) def.where = this.expr(where.children.expression?.[0]);
    const window = ctx.window?.[0];
    if (window) {
      const w = this.window(window.children, window);
      if (w) def.window = w;
    }
    return def;
  }

  profileDefinition(ctx: cst.ProfileDefinitionCstChildren, node?: CstNode): ast.ProfileDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    if (!name) return undefined;
    let grain: ast.ProfileDefinition['grain'] = 'entity';
    const grainToken = ctx.grain?.[0];
    if (grainToken && !grainToken.isInsertedInRecovery) {
      if (grainToken.image.toLowerCase() === 'day') grain = 'day';
      else this.diagnostics.push(diagnostic('syntax-error', `unknown grain \`${grainToken.image}\`; profiles are per entity, or \`per day\``, this.tokenRange(grainToken)));
    }
    const columns = (ctx.columns ?? []).map((c) => this.nameOf(c)).filter((n): n is ast.Name => n !== undefined);
    return { kind: 'profile', name, grain, columns, range: this.nodeRange(node) };
  }

  segmentDefinition(ctx: cst.SegmentDefinitionCstChildren, node?: CstNode): ast.SegmentDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    if (!name) return undefined;
    return { kind: 'segment', name, expr: this.expr(ctx.expression?.[0]), range: this.nodeRange(node) };
  }

  queryDefinition(ctx: cst.QueryDefinitionCstChildren, node?: CstNode): ast.QueryDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const from = this.nameOf(ctx.fromClause?.[0]?.children.name?.[0]);
    if (!name || !from) return undefined;
    const def: ast.QueryDefinition = {
      kind: 'query',
      name,
      from,
      groupBy: (ctx.groupItems ?? []).map((i) => this.v(i) as ast.SelectItem),
      select: (ctx.selectItems ?? []).map((i) => this.v(i) as ast.SelectItem),
      orderBy: (ctx.orderItem ?? []).map((o) => ({
        expr: this.expr(o.children.expression?.[0]),
        descending: o.children.Desc !== undefined,
        range: this.nodeRange(o),
      })),
      range: this.nodeRange(node),
    };
    const where = ctx.whereClause?.[0];
    if (where) def.where = this.expr(where.children.expression?.[0]);
    const limit = ctx.limit?.[0];
    if (limit && !limit.isInsertedInRecovery) {
      const value = Number(limit.image);
      if (Number.isInteger(value) && value >= 0) def.limit = { value, range: this.tokenRange(limit) };
      else this.diagnostics.push(diagnostic('invalid-literal', `limit must be a whole number, not ${limit.image}`, this.tokenRange(limit)));
    }
    return def;
  }

  selectItem(ctx: cst.SelectItemCstChildren, node?: CstNode): ast.SelectItem {
    const item: ast.SelectItem = { expr: this.expr(ctx.expression?.[0]), range: this.nodeRange(node) };
    const alias = this.nameOf(ctx.alias?.[0]);
    if (alias) item.alias = alias;
    const filter = ctx.whereClause?.[0];
    if (filter) item.filter = this.expr(filter.children.expression?.[0]);
    return item;
  }

  orderItem(): undefined {
    return undefined; // read in queryDefinition
  }

  plotDefinition(ctx: cst.PlotDefinitionCstChildren, node?: CstNode): ast.PlotDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const mark = ctx.mark?.[0];
    const data = this.nameOf(ctx.data?.[0]);
    if (!name || !mark || mark.isInsertedInRecovery || !data) return undefined;
    const values = ctx.channelValue ?? [];
    const channels: ast.PlotDefinition['channels'] = [];
    (ctx.channel ?? []).forEach((c, i) => {
      const value = this.nameOf(values[i]);
      if (value && !c.isInsertedInRecovery) channels.push({ channel: { text: c.image, range: this.tokenRange(c) }, value });
    });
    return { kind: 'plot', name, mark: { text: mark.image, range: this.tokenRange(mark) }, data, channels, range: this.nodeRange(node) };
  }

  pipelineDefinition(ctx: cst.PipelineDefinitionCstChildren, node?: CstNode): ast.PipelineDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const connector = ctx.connector?.[0];
    if (!name || !connector || connector.isInsertedInRecovery) return undefined;
    return {
      kind: 'pipeline',
      name,
      connector: { text: connector.image, range: this.tokenRange(connector) },
      topics: (ctx.topics ?? []).filter((x) => !x.isInsertedInRecovery).map((x) => ({ value: unquote(x.image), range: this.tokenRange(x) })),
      clauses: this.settings(ctx.settingClause),
      range: this.nodeRange(node),
    };
  }

  scheduleDefinition(ctx: cst.ScheduleDefinitionCstChildren, node?: CstNode): ast.ScheduleDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const trigger = ctx.scheduleTrigger?.[0]?.children;
    const word = trigger?.trigger?.[0];
    if (!name || !trigger || !word || word.isInsertedInRecovery) return undefined;
    const def: ast.ScheduleDefinition = {
      kind: 'schedule',
      name,
      trigger: { text: word.image, range: this.tokenRange(word) },
      clauses: this.settings(ctx.settingClause),
      range: this.nodeRange(node),
    };
    const text = trigger.text?.[0];
    if (text && !text.isInsertedInRecovery) def.text = { value: unquote(text.image), range: this.tokenRange(text) };
    const amount = trigger.amount?.[0];
    const unit = trigger.unit?.[0];
    if (amount && unit && !amount.isInsertedInRecovery && !unit.isInsertedInRecovery) {
      def.every = { amount: Number(amount.image), unit: { text: unit.image, range: this.tokenRange(unit) }, range: this.rangeFrom(this.tokenRange(amount), this.tokenRange(unit)) };
    }
    if (trigger.words) def.words = trigger.words.filter((w) => !w.isInsertedInRecovery).map((w) => ({ text: w.image, range: this.tokenRange(w) }));
    if (trigger.sources) def.sources = trigger.sources.map((n) => this.nameOf(n)).filter((n) => n !== undefined);
    return def;
  }

  scheduleTrigger(): undefined {
    return undefined; // read by scheduleDefinition
  }

  destinationDefinition(ctx: cst.DestinationDefinitionCstChildren, node?: CstNode): ast.DestinationDefinition | undefined {
    const name = this.nameOf(ctx.name?.[0]);
    const kind = ctx.kind?.[0];
    const target = ctx.target?.[0];
    if (!name || !kind || !target || kind.isInsertedInRecovery || target.isInsertedInRecovery) return undefined;
    return {
      kind: 'destination',
      name,
      destinationKind: { text: kind.image, range: this.tokenRange(kind) },
      target: { value: unquote(target.image), range: this.tokenRange(target) },
      clauses: this.settings(ctx.settingClause),
      range: this.nodeRange(node),
    };
  }

  private settings(nodes: cst.SettingClauseCstNode[] | undefined): ast.Setting[] {
    return (nodes ?? []).map((c) => this.v(c) as ast.Setting | undefined).filter((c) => c !== undefined);
  }

  settingClause(ctx: cst.SettingClauseCstChildren, node?: CstNode): ast.Setting | undefined {
    const clause = ctx.clause?.[0];
    if (!clause || clause.isInsertedInRecovery) return undefined;
    const out: ast.Setting = { clause: { text: clause.image, range: this.tokenRange(clause) }, range: this.nodeRange(node) };
    const qualifier = ctx.qualifier?.[0];
    if (qualifier) out.qualifier = { text: qualifier.image, range: this.tokenRange(qualifier) };
    const text = ctx.text?.[0];
    if (text && !text.isInsertedInRecovery) out.text = unquote(text.image);
    if (ctx.names) out.names = ctx.names.map((n) => this.nameOf(n)).filter((n) => n !== undefined);
    if (ctx.amounts) {
      // Units are optional, so each unit belongs to the amount right before it.
      const units = ctx.units ?? [];
      out.amounts = ctx.amounts
        .filter((a) => !a.isInsertedInRecovery)
        .map((a, i, all) => {
          const next = all[i + 1]?.startOffset ?? Infinity;
          const unit = units.find((u) => u.startOffset > a.startOffset && u.startOffset < next);
          const range = unit ? this.rangeFrom(this.tokenRange(a), this.tokenRange(unit)) : this.tokenRange(a);
          return { amount: Number(a.image), ...(unit ? { unit: { text: unit.image, range: this.tokenRange(unit) } } : {}), range };
        });
    }
    return out;
  }

  asOfDefinition(ctx: cst.AsOfDefinitionCstChildren, node?: CstNode): ast.AsOfDefinition {
    return { kind: 'as-of', value: this.expr(ctx.expression?.[0]), range: this.nodeRange(node) };
  }

  fromClause(): undefined {
    return undefined; // read by the definitions that own it
  }

  whereClause(): undefined {
    return undefined;
  }

  window(ctx: cst.WindowCstChildren, node?: CstNode): ast.Window | undefined {
    const range = this.nodeRange(node);
    if (ctx.Between) {
      return { kind: 'between', low: this.expr(ctx.low?.[0]), high: this.expr(ctx.high?.[0]), range };
    }
    const last = ctx.last?.[0];
    const amount = ctx.amount?.[0];
    const unit = ctx.unit?.[0];
    if (!last || !amount || !unit || amount.isInsertedInRecovery || unit.isInsertedInRecovery) return undefined;
    if (last.image.toLowerCase() !== 'last') {
      this.diagnostics.push(diagnostic('syntax-error', `expected \`last\` or \`between\` after \`during\`, found \`${last.image}\``, this.tokenRange(last)));
      return undefined;
    }
    const unitWord = unit.image.toLowerCase().replace(/s$/, '');
    if (!['minute', 'hour', 'day', 'week'].includes(unitWord)) {
      this.diagnostics.push(diagnostic('invalid-window', `unknown time unit \`${unit.image}\`; use minutes, hours, days or weeks`, this.tokenRange(unit)));
      return undefined;
    }
    const n = Number(amount.image);
    if (!Number.isInteger(n) || n <= 0) {
      this.diagnostics.push(diagnostic('invalid-window', `a window is a positive whole number of ${unitWord}s, not ${amount.image}`, this.tokenRange(amount)));
      return undefined;
    }
    return { kind: 'last', amount: n, unit: unitWord as ast.TimeUnit, range };
  }

  name(ctx: cst.NameCstChildren): ast.Name | undefined {
    const token = ctx.Identifier?.[0] ?? ctx.QuotedIdentifier?.[0];
    if (!token || token.isInsertedInRecovery) return undefined;
    const text = token.tokenType.name === 'QuotedIdentifier' ? token.image.slice(1, -1).replace(/``/g, '`') : token.image;
    return { text, range: this.tokenRange(token) };
  }

  private nameOf(node: CstNode | undefined): ast.Name | undefined {
    return node ? (this.v(node) as ast.Name | undefined) : undefined;
  }

  // --- expressions ----------------------------------------------------------------------------

  private expr(node: CstNode | undefined): ast.Expr {
    if (!node) return this.missing(node);
    return (this.v(node) as ast.Expr | undefined) ?? this.missing(node);
  }

  private fold(operands: CstNode[] | undefined, operators: IToken[] | undefined, node: CstNode): ast.Expr {
    const exprs = (operands ?? []).map((o) => this.expr(o));
    if (exprs.length === 0) return this.missing(node);
    let acc = exprs[0]!;
    for (let i = 1; i < exprs.length; i++) {
      const right = exprs[i]!;
      const op = (operators?.[i - 1]?.image.toLowerCase() ?? 'and') as ast.BinaryOperator;
      acc = { kind: 'binary', op: normaliseOperator(op), left: acc, right, range: this.rangeFrom(acc.range, right.range) };
    }
    return acc;
  }

  expression(ctx: cst.ExpressionCstChildren, node: CstNode): ast.Expr {
    return this.fold(ctx.operands, ctx.Or, node);
  }

  andExpression(ctx: cst.AndExpressionCstChildren, node: CstNode): ast.Expr {
    return this.fold(ctx.operands, ctx.And, node);
  }

  notExpression(ctx: cst.NotExpressionCstChildren, node: CstNode): ast.Expr {
    if (ctx.Not) return { kind: 'not', operand: this.expr(ctx.notExpression?.[0]), range: this.nodeRange(node) };
    return this.expr(ctx.predicate?.[0] ?? ctx.behaviourCondition?.[0] ?? ctx.rankCondition?.[0] ?? ctx.membershipCondition?.[0]);
  }

  behaviourCondition(ctx: cst.BehaviourConditionCstChildren, node: CstNode): ast.Expr {
    return this.behaviour.condition(ctx, node);
  }

  rankCondition(ctx: cst.RankConditionCstChildren, node: CstNode): ast.Expr {
    return this.behaviour.rank(ctx, node);
  }

  membershipCondition(ctx: cst.MembershipConditionCstChildren, node: CstNode): ast.Expr {
    return this.behaviour.membership(ctx, node);
  }

  // Read by the rules that own them.
  behaviourStep(): undefined {
    return undefined;
  }

  eventNames(): undefined {
    return undefined;
  }

  behaviourClause(): undefined {
    return undefined;
  }

  regularlyClause(): undefined {
    return undefined;
  }

  wordClause(): undefined {
    return undefined;
  }

  predicate(ctx: cst.PredicateCstChildren, node: CstNode): ast.Expr {
    const left = this.expr(ctx.left?.[0]);
    const range = this.nodeRange(node);
    const negated = ctx.Not !== undefined;
    if (ctx.ComparisonOperator) {
      const op = normaliseOperator(ctx.ComparisonOperator[0]!.image as ast.BinaryOperator);
      return { kind: 'binary', op, left, right: this.expr(ctx.right?.[0]), range };
    }
    if (ctx.Between) return { kind: 'between', negated, operand: left, low: this.expr(ctx.low?.[0]), high: this.expr(ctx.high?.[0]), range };
    if (ctx.In) return { kind: 'in', negated, operand: left, list: (ctx.list ?? []).map((e) => this.expr(e)), range };
    if (ctx.Is) return { kind: 'is-null', negated: ctx.isNot !== undefined, operand: left, range };
    if (ctx.position) return this.behaviour.quantile(ctx, left, range);
    if (ctx.Starts || ctx.Ends || ctx.Contains) {
      const op = ctx.Starts ? 'starts' : ctx.Ends ? 'ends' : 'contains';
      return { kind: 'match', op, negated, operand: left, pattern: this.expr(ctx.pattern?.[0]), range };
    }
    return left;
  }

  additive(ctx: cst.AdditiveCstChildren, node: CstNode): ast.Expr {
    return this.fold(ctx.operands, ctx.AdditiveOperator, node);
  }

  multiplicative(ctx: cst.MultiplicativeCstChildren, node: CstNode): ast.Expr {
    return this.fold(ctx.operands, ctx.MultiplicativeOperator, node);
  }

  unary(ctx: cst.UnaryCstChildren, node: CstNode): ast.Expr {
    if (ctx.Minus) {
      const operand = this.expr(ctx.unary?.[0]);
      // Fold `-5` into the literal so it prints and compiles as written.
      if (operand.kind === 'number') return { kind: 'number', text: `-${operand.text}`, range: this.nodeRange(node) };
      return { kind: 'negate', operand, range: this.nodeRange(node) };
    }
    return this.expr(ctx.atom?.[0]);
  }

  atom(ctx: cst.AtomCstChildren, node: CstNode): ast.Expr {
    const range = this.nodeRange(node);
    const number = ctx.NumberLiteral?.[0];
    if (number) return { kind: 'number', text: number.image, range };
    const string = ctx.StringLiteral?.[0];
    if (string) return { kind: 'string', value: unquote(string.image), range };
    if (ctx.True) return { kind: 'boolean', value: true, range };
    if (ctx.False) return { kind: 'boolean', value: false, range };
    if (ctx.Null) return { kind: 'null', range };
    const literalType = ctx.literalType?.[0];
    if (literalType) {
      const type = literalType.image.toLowerCase();
      const value = unquote(ctx.typedValue?.[0]?.image ?? '""');
      if (type === 'date' || type === 'timestamp') return { kind: 'typed', type, value, range };
      this.diagnostics.push(
        diagnostic('syntax-error', `unknown literal type \`${literalType.image}\`; write date "YYYY-MM-DD" or timestamp "YYYY-MM-DD hh:mm:ss"`, this.tokenRange(literalType)),
      );
      return { kind: 'error', range };
    }
    const child = ctx.caseExpression?.[0] ?? ctx.parenthesized?.[0] ?? ctx.functionCall?.[0] ?? ctx.reference?.[0];
    return child ? this.expr(child) : { kind: 'error', range };
  }

  parenthesized(ctx: cst.ParenthesizedCstChildren): ast.Expr {
    return this.expr(ctx.expression?.[0]);
  }

  functionCall(ctx: cst.FunctionCallCstChildren, node: CstNode): ast.Expr {
    const fn = ctx.function?.[0];
    if (!fn) return this.missing(node);
    return {
      kind: 'call',
      name: { text: fn.image, range: this.tokenRange(fn) },
      args: (ctx.args ?? []).map((a) => this.expr(a)),
      distinct: ctx.Distinct !== undefined,
      star: ctx.Star !== undefined,
      range: this.nodeRange(node),
    };
  }

  reference(ctx: cst.ReferenceCstChildren, node: CstNode): ast.Expr {
    const parts = (ctx.parts ?? []).map((p) => this.nameOf(p));
    const range = this.nodeRange(node);
    if (parts.length === 0 || parts.some((p) => p === undefined)) return { kind: 'error', range };
    if (parts.length === 2) return { kind: 'ref', qualifier: parts[0]!, name: parts[1]!, range };
    return { kind: 'ref', name: parts[0]!, range };
  }

  caseExpression(ctx: cst.CaseExpressionCstChildren, node: CstNode): ast.Expr {
    const conditions = ctx.conditions ?? [];
    const results = ctx.results ?? [];
    const e: ast.Expr = {
      kind: 'case',
      whens: conditions.map((c, i) => ({ condition: this.expr(c), result: this.expr(results[i]) })),
      range: this.nodeRange(node),
    };
    if (ctx.otherwise?.[0]) e.otherwise = this.expr(ctx.otherwise[0]);
    return e;
  }
}

function normaliseOperator(op: string): ast.BinaryOperator {
  if (op === '==') return '=';
  if (op === '<>') return '!=';
  return op as ast.BinaryOperator;
}

/** The text of a string literal: quotes removed, `""`/`''` and backslash escapes resolved. */
export function unquote(image: string): string {
  const q = image[0];
  const body = image.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const n = body[++i]!;
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else if (c === q && body[i + 1] === q) {
      out += c;
      i++;
    } else out += c;
  }
  return out;
}

/** One builder, reused: validating a visitor against the grammar is done once. */
let shared: AstBuilder | undefined;

export function toAst(cstRoot: CstNode, lines: LineIndex, base: number): { statements: ast.Statement[]; diagnostics: Diagnostic[] } {
  const builder = (shared ??= new AstBuilder());
  builder.reset(lines, base);
  const statements = builder.visit(cstRoot) as ast.Statement[];
  return { statements, diagnostics: builder.diagnostics };
}
