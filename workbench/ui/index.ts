/**
 * The workbench UI: Lit components, controllers and the pure transforms behind them. `main.ts`
 * is the page's entry; this index is for tests and tools.
 */
export { ApiClient, ApiError, ConflictError, type CustomerView, type NotebookEntry, type NotebookFile, type RunResult, type SegmentSummary } from './api/client.js';
export { chartOptions, defaultChart, validateChart, type ChartDescription, type ChartSpec } from './charts/chart-options.js';
export { renderMarkdown, escapeHtml } from './model/markdown.js';
export { NotebookDocument, layoutCells, type CellModel } from './model/notebook-document.js';
export { graphOf, inputsOf, runAllOrder, runOrder, staleResults, type DefinitionNode } from './model/run-graph.js';
export { lineDiff } from './model/line-diff.js';
export { filterCondition, viewSql, type ViewState } from './results/view-sql.js';
export { columnsOf, formatValue, type ResultColumn } from './results/columns.js';
export { KohortApp } from './components/kohort-app/kohort-app.component.js';
export { KohortNotebookList } from './components/notebook-list/notebook-list.component.js';
export { KohortNotebookView } from './components/notebook-view/notebook-view.component.js';
export { KohortNotebookCell } from './components/notebook-cell/notebook-cell.component.js';
export { KohortCellEditor } from './components/cell-editor/cell-editor.component.js';
export { KohortResultView } from './components/result-view/result-view.component.js';
export { KohortResultTable } from './components/result-table/result-table.component.js';
export { KohortResultChart } from './components/result-chart/result-chart.component.js';
export { KohortCustomerView } from './components/customer-view/customer-view.component.js';
export { KohortConflictDialog } from './components/conflict-dialog/conflict-dialog.component.js';
export { KohortMarkdownView } from './components/markdown-view/markdown-view.component.js';
