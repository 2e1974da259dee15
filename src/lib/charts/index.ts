// Chart components for results pages; each renders on the server and offers its numbers as a table, CSV, SVG and PNG.
export { default as BarChart } from './BarChart.svelte';
export { default as ChartFrame } from './ChartFrame.svelte';
export { default as ForestPlot } from './ForestPlot.svelte';
export { default as Heatmap } from './Heatmap.svelte';
export { default as RatingHistory } from './RatingHistory.svelte';
export type { BarDatum, BarFormat } from './bar.ts';
export type { ForestInput } from './forest.ts';
export type { HeatmapFormat } from './heatmap.ts';
export type { HistoryPoint, HistorySeries } from './history.ts';
export type { ChartView, HeadingLevel, HeadingLevelProp, TableData } from './table.ts';
export { chartFilename, slugify, toCsv } from './download.ts';
export { exportCaption } from './download.ts';
export { ELO_ONLINE_NOTE } from './notes.ts';
export { SMALL_N } from './heatmap.ts';
