/* Generated from dsl/parser.ts by generateCstDts; a test fails when it is stale. */
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface ProgramCstNode extends CstNode {
  name: "program";
  children: ProgramCstChildren;
}

export type ProgramCstChildren = {
  statement?: StatementCstNode[];
};

export interface StatementCstNode extends CstNode {
  name: "statement";
  children: StatementCstChildren;
}

export type StatementCstChildren = {
  sourceDefinition?: SourceDefinitionCstNode[];
  metricDefinition?: MetricDefinitionCstNode[];
  profileDefinition?: ProfileDefinitionCstNode[];
  segmentDefinition?: SegmentDefinitionCstNode[];
  queryDefinition?: QueryDefinitionCstNode[];
  plotDefinition?: PlotDefinitionCstNode[];
  pipelineDefinition?: PipelineDefinitionCstNode[];
  scheduleDefinition?: ScheduleDefinitionCstNode[];
  destinationDefinition?: DestinationDefinitionCstNode[];
  asOfDefinition?: AsOfDefinitionCstNode[];
};

export interface SourceDefinitionCstNode extends CstNode {
  name: "sourceDefinition";
  children: SourceDefinitionCstChildren;
}

export type SourceDefinitionCstChildren = {
  Source: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  locationKind: IToken[];
  locationPath: IToken[];
  clause?: IToken[];
  clauseValue?: NameCstNode[];
};

export interface MetricDefinitionCstNode extends CstNode {
  name: "metricDefinition";
  children: MetricDefinitionCstChildren;
}

export type MetricDefinitionCstChildren = {
  Metric: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
  fromClause?: FromClauseCstNode[];
  whereClause?: WhereClauseCstNode[];
  window?: WindowCstNode[];
};

export interface ProfileDefinitionCstNode extends CstNode {
  name: "profileDefinition";
  children: ProfileDefinitionCstChildren;
}

export type ProfileDefinitionCstChildren = {
  Profile: IToken[];
  name: NameCstNode[];
  Per?: IToken[];
  grain?: IToken[];
  Equals: IToken[];
  columns: NameCstNode[];
  Comma?: IToken[];
};

export interface SegmentDefinitionCstNode extends CstNode {
  name: "segmentDefinition";
  children: SegmentDefinitionCstChildren;
}

export type SegmentDefinitionCstChildren = {
  Segment: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface QueryDefinitionCstNode extends CstNode {
  name: "queryDefinition";
  children: QueryDefinitionCstChildren;
}

export type QueryDefinitionCstChildren = {
  Query: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  fromClause: FromClauseCstNode[];
  whereClause?: WhereClauseCstNode[];
  Group?: IToken[];
  By?: (IToken)[];
  groupItems?: SelectItemCstNode[];
  Comma?: (IToken)[];
  Select?: IToken[];
  selectItems?: SelectItemCstNode[];
  Order?: IToken[];
  orderItem?: OrderItemCstNode[];
  Limit?: IToken[];
  limit?: IToken[];
};

export interface SelectItemCstNode extends CstNode {
  name: "selectItem";
  children: SelectItemCstChildren;
}

export type SelectItemCstChildren = {
  alias?: NameCstNode[];
  Equals?: IToken[];
  expression: ExpressionCstNode[];
  whereClause?: WhereClauseCstNode[];
};

export interface OrderItemCstNode extends CstNode {
  name: "orderItem";
  children: OrderItemCstChildren;
}

export type OrderItemCstChildren = {
  expression: ExpressionCstNode[];
  Asc?: IToken[];
  Desc?: IToken[];
};

export interface PlotDefinitionCstNode extends CstNode {
  name: "plotDefinition";
  children: PlotDefinitionCstChildren;
}

export type PlotDefinitionCstChildren = {
  Plot: IToken[];
  name: NameCstNode[];
  Equals: (IToken)[];
  mark: IToken[];
  data: NameCstNode[];
  LParen: IToken[];
  channel: IToken[];
  channelValue: NameCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface PipelineDefinitionCstNode extends CstNode {
  name: "pipelineDefinition";
  children: PipelineDefinitionCstChildren;
}

export type PipelineDefinitionCstChildren = {
  Pipeline: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  connector: IToken[];
  topics: IToken[];
  Comma?: IToken[];
  settingClause?: SettingClauseCstNode[];
};

export interface ScheduleDefinitionCstNode extends CstNode {
  name: "scheduleDefinition";
  children: ScheduleDefinitionCstChildren;
}

export type ScheduleDefinitionCstChildren = {
  Schedule: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  scheduleTrigger: ScheduleTriggerCstNode[];
  settingClause?: SettingClauseCstNode[];
};

export interface ScheduleTriggerCstNode extends CstNode {
  name: "scheduleTrigger";
  children: ScheduleTriggerCstChildren;
}

export type ScheduleTriggerCstChildren = {
  trigger: IToken[];
  text?: IToken[];
  amount?: IToken[];
  unit?: IToken[];
  words?: (IToken)[];
  In?: IToken[];
  sources?: NameCstNode[];
  Comma?: IToken[];
};

export interface DestinationDefinitionCstNode extends CstNode {
  name: "destinationDefinition";
  children: DestinationDefinitionCstChildren;
}

export type DestinationDefinitionCstChildren = {
  Destination: IToken[];
  name: NameCstNode[];
  Equals: IToken[];
  kind: IToken[];
  target: IToken[];
  settingClause?: SettingClauseCstNode[];
};

export interface SettingClauseCstNode extends CstNode {
  name: "settingClause";
  children: SettingClauseCstChildren;
}

export type SettingClauseCstChildren = {
  clause?: (IToken)[];
  qualifier?: IToken[];
  text?: IToken[];
  names?: NameCstNode[];
  Comma?: (IToken)[];
  amounts?: IToken[];
  units?: IToken[];
};

export interface AsOfDefinitionCstNode extends CstNode {
  name: "asOfDefinition";
  children: AsOfDefinitionCstChildren;
}

export type AsOfDefinitionCstChildren = {
  As: IToken[];
  Of: IToken[];
  expression: ExpressionCstNode[];
};

export interface FromClauseCstNode extends CstNode {
  name: "fromClause";
  children: FromClauseCstChildren;
}

export type FromClauseCstChildren = {
  From: IToken[];
  name: NameCstNode[];
};

export interface WhereClauseCstNode extends CstNode {
  name: "whereClause";
  children: WhereClauseCstChildren;
}

export type WhereClauseCstChildren = {
  Where: IToken[];
  expression: ExpressionCstNode[];
};

export interface WindowCstNode extends CstNode {
  name: "window";
  children: WindowCstChildren;
}

export type WindowCstChildren = {
  During: IToken[];
  last?: IToken[];
  amount?: IToken[];
  unit?: IToken[];
  Between?: IToken[];
  low?: AdditiveCstNode[];
  And?: IToken[];
  high?: AdditiveCstNode[];
};

export interface NameCstNode extends CstNode {
  name: "name";
  children: NameCstChildren;
}

export type NameCstChildren = {
  Identifier?: IToken[];
  QuotedIdentifier?: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  operands: (AndExpressionCstNode)[];
  Or?: IToken[];
};

export interface AndExpressionCstNode extends CstNode {
  name: "andExpression";
  children: AndExpressionCstChildren;
}

export type AndExpressionCstChildren = {
  operands: (NotExpressionCstNode)[];
  And?: IToken[];
};

export interface NotExpressionCstNode extends CstNode {
  name: "notExpression";
  children: NotExpressionCstChildren;
}

export type NotExpressionCstChildren = {
  Not?: IToken[];
  notExpression?: NotExpressionCstNode[];
  behaviourCondition?: BehaviourConditionCstNode[];
  rankCondition?: RankConditionCstNode[];
  membershipCondition?: MembershipConditionCstNode[];
  predicate?: PredicateCstNode[];
};

export interface PredicateCstNode extends CstNode {
  name: "predicate";
  children: PredicateCstChildren;
}

export type PredicateCstChildren = {
  left: AdditiveCstNode[];
  ComparisonOperator?: IToken[];
  right?: AdditiveCstNode[];
  Not?: IToken[];
  Between?: IToken[];
  low?: AdditiveCstNode[];
  And?: IToken[];
  high?: AdditiveCstNode[];
  In?: IToken[];
  LParen?: IToken[];
  list?: AdditiveCstNode[];
  Comma?: IToken[];
  RParen?: IToken[];
  Starts?: IToken[];
  Ends?: IToken[];
  With?: IToken[];
  pattern?: (AdditiveCstNode)[];
  Contains?: IToken[];
  Is?: IToken[];
  isNot?: IToken[];
  Null?: IToken[];
  position?: IToken[];
  statistic?: IToken[];
  percentile?: IToken[];
};

export interface AdditiveCstNode extends CstNode {
  name: "additive";
  children: AdditiveCstChildren;
}

export type AdditiveCstChildren = {
  operands: (MultiplicativeCstNode)[];
  AdditiveOperator?: IToken[];
};

export interface MultiplicativeCstNode extends CstNode {
  name: "multiplicative";
  children: MultiplicativeCstChildren;
}

export type MultiplicativeCstChildren = {
  operands: (UnaryCstNode)[];
  MultiplicativeOperator?: IToken[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  atom?: AtomCstNode[];
};

export interface AtomCstNode extends CstNode {
  name: "atom";
  children: AtomCstChildren;
}

export type AtomCstChildren = {
  NumberLiteral?: IToken[];
  StringLiteral?: IToken[];
  True?: IToken[];
  False?: IToken[];
  Null?: IToken[];
  caseExpression?: CaseExpressionCstNode[];
  parenthesized?: ParenthesizedCstNode[];
  literalType?: IToken[];
  typedValue?: IToken[];
  functionCall?: FunctionCallCstNode[];
  reference?: ReferenceCstNode[];
};

export interface ParenthesizedCstNode extends CstNode {
  name: "parenthesized";
  children: ParenthesizedCstChildren;
}

export type ParenthesizedCstChildren = {
  LParen: IToken[];
  expression: ExpressionCstNode[];
  RParen: IToken[];
};

export interface FunctionCallCstNode extends CstNode {
  name: "functionCall";
  children: FunctionCallCstChildren;
}

export type FunctionCallCstChildren = {
  function: IToken[];
  LParen: IToken[];
  Star?: IToken[];
  Distinct?: IToken[];
  args?: ExpressionCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface ReferenceCstNode extends CstNode {
  name: "reference";
  children: ReferenceCstChildren;
}

export type ReferenceCstChildren = {
  parts: (NameCstNode)[];
  Dot?: IToken[];
};

export interface CaseExpressionCstNode extends CstNode {
  name: "caseExpression";
  children: CaseExpressionCstChildren;
}

export type CaseExpressionCstChildren = {
  Case: IToken[];
  When: IToken[];
  conditions: ExpressionCstNode[];
  Then: IToken[];
  results: ExpressionCstNode[];
  Else?: IToken[];
  otherwise?: ExpressionCstNode[];
  End: IToken[];
};

export interface BehaviourConditionCstNode extends CstNode {
  name: "behaviourCondition";
  children: BehaviourConditionCstChildren;
}

export type BehaviourConditionCstChildren = {
  verb?: (IToken)[];
  steps: (BehaviourStepCstNode)[];
  Then?: IToken[];
};

export interface BehaviourStepCstNode extends CstNode {
  name: "behaviourStep";
  children: BehaviourStepCstChildren;
}

export type BehaviourStepCstChildren = {
  Not?: IToken[];
  eventNames?: EventNamesCstNode[];
  anything?: IToken[];
  Where?: IToken[];
  filter?: PredicateCstNode[];
  behaviourClause?: BehaviourClauseCstNode[];
};

export interface EventNamesCstNode extends CstNode {
  name: "eventNames";
  children: EventNamesCstChildren;
}

export type EventNamesCstChildren = {
  names?: (IToken)[];
  LParen?: IToken[];
  Comma?: IToken[];
  RParen?: IToken[];
};

export interface BehaviourClauseCstNode extends CstNode {
  name: "behaviourClause";
  children: BehaviourClauseCstChildren;
}

export type BehaviourClauseCstChildren = {
  window?: WindowCstNode[];
  From?: IToken[];
  source?: NameCstNode[];
  With?: IToken[];
  same?: IToken[];
  columns?: NameCstNode[];
  Comma?: IToken[];
  Between?: IToken[];
  low?: IToken[];
  And?: IToken[];
  high?: IToken[];
  unit?: IToken[];
  regularlyClause?: RegularlyClauseCstNode[];
  wordClause?: WordClauseCstNode[];
};

export interface RegularlyClauseCstNode extends CstNode {
  name: "regularlyClause";
  children: RegularlyClauseCstChildren;
}

export type RegularlyClauseCstChildren = {
  In: IToken[];
  words: (IToken)[];
  atLeast: IToken[];
  Of: IToken[];
  periods: IToken[];
  unit: IToken[];
};

export interface WordClauseCstNode extends CstNode {
  name: "wordClause";
  children: WordClauseCstChildren;
}

export type WordClauseCstChildren = {
  words: (IToken)[];
  amount?: (IToken)[];
  unit?: (IToken)[];
  eventNames?: EventNamesCstNode[];
  Where?: IToken[];
  filter?: PredicateCstNode[];
};

export interface RankConditionCstNode extends CstNode {
  name: "rankCondition";
  children: RankConditionCstChildren;
}

export type RankConditionCstChildren = {
  direction: IToken[];
  amount: IToken[];
  Percent?: IToken[];
  By: IToken[];
  by: AdditiveCstNode[];
};

export interface MembershipConditionCstNode extends CstNode {
  name: "membershipCondition";
  children: MembershipConditionCstChildren;
}

export type MembershipConditionCstChildren = {
  change: IToken[];
  segment: NameCstNode[];
  window?: WindowCstNode[];
  on?: IToken[];
  at?: AdditiveCstNode[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  program(children: ProgramCstChildren, param?: IN): OUT;
  statement(children: StatementCstChildren, param?: IN): OUT;
  sourceDefinition(children: SourceDefinitionCstChildren, param?: IN): OUT;
  metricDefinition(children: MetricDefinitionCstChildren, param?: IN): OUT;
  profileDefinition(children: ProfileDefinitionCstChildren, param?: IN): OUT;
  segmentDefinition(children: SegmentDefinitionCstChildren, param?: IN): OUT;
  queryDefinition(children: QueryDefinitionCstChildren, param?: IN): OUT;
  selectItem(children: SelectItemCstChildren, param?: IN): OUT;
  orderItem(children: OrderItemCstChildren, param?: IN): OUT;
  plotDefinition(children: PlotDefinitionCstChildren, param?: IN): OUT;
  pipelineDefinition(children: PipelineDefinitionCstChildren, param?: IN): OUT;
  scheduleDefinition(children: ScheduleDefinitionCstChildren, param?: IN): OUT;
  scheduleTrigger(children: ScheduleTriggerCstChildren, param?: IN): OUT;
  destinationDefinition(children: DestinationDefinitionCstChildren, param?: IN): OUT;
  settingClause(children: SettingClauseCstChildren, param?: IN): OUT;
  asOfDefinition(children: AsOfDefinitionCstChildren, param?: IN): OUT;
  fromClause(children: FromClauseCstChildren, param?: IN): OUT;
  whereClause(children: WhereClauseCstChildren, param?: IN): OUT;
  window(children: WindowCstChildren, param?: IN): OUT;
  name(children: NameCstChildren, param?: IN): OUT;
  expression(children: ExpressionCstChildren, param?: IN): OUT;
  andExpression(children: AndExpressionCstChildren, param?: IN): OUT;
  notExpression(children: NotExpressionCstChildren, param?: IN): OUT;
  predicate(children: PredicateCstChildren, param?: IN): OUT;
  additive(children: AdditiveCstChildren, param?: IN): OUT;
  multiplicative(children: MultiplicativeCstChildren, param?: IN): OUT;
  unary(children: UnaryCstChildren, param?: IN): OUT;
  atom(children: AtomCstChildren, param?: IN): OUT;
  parenthesized(children: ParenthesizedCstChildren, param?: IN): OUT;
  functionCall(children: FunctionCallCstChildren, param?: IN): OUT;
  reference(children: ReferenceCstChildren, param?: IN): OUT;
  caseExpression(children: CaseExpressionCstChildren, param?: IN): OUT;
  behaviourCondition(children: BehaviourConditionCstChildren, param?: IN): OUT;
  behaviourStep(children: BehaviourStepCstChildren, param?: IN): OUT;
  eventNames(children: EventNamesCstChildren, param?: IN): OUT;
  behaviourClause(children: BehaviourClauseCstChildren, param?: IN): OUT;
  regularlyClause(children: RegularlyClauseCstChildren, param?: IN): OUT;
  wordClause(children: WordClauseCstChildren, param?: IN): OUT;
  rankCondition(children: RankConditionCstChildren, param?: IN): OUT;
  membershipCondition(children: MembershipConditionCstChildren, param?: IN): OUT;
}
