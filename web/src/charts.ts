// The dashboard's charts, on ECharts (only the parts used are imported, so the bundle stays small).
// Every chart's container carries its data as JSON in `data-series` ({"x": [...], "<series>": [...]}),
// so a test (or a curious reader) sees exactly the points drawn. Charts are disposed when the page's
// signal aborts. Animation is off: what is drawn is final at once (screenshots, tests).
import * as echarts from "echarts/core";
import { BarChart, LineChart, SankeyChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, SankeyChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);

export const kStatusColours = {
  healthy: "#2e9d57", watch: "#d4a514", at_risk: "#e0702b", critical: "#c9302c",
} as const;

export type SeriesData = Record<string, (number | null)[] | string[]>;

function mount(el: HTMLElement, data: object, option: echarts.EChartsCoreOption, signal: AbortSignal): void {
  el.dataset.series = JSON.stringify(data);
  const chart = echarts.init(el, undefined, { renderer: "canvas" });
  chart.setOption({ animation: false, ...option });
  const resize = () => chart.resize();
  window.addEventListener("resize", resize);
  signal.addEventListener("abort", () => {
    window.removeEventListener("resize", resize);
    chart.dispose();
  });
}

const kGrid = { left: 44, right: 16, top: 36, bottom: 28 };

// A bare line of scores (0–100) for a table cell; unscored (UNKNOWN) periods are gaps (null).
export function sparkline(el: HTMLElement, x: string[], scores: (number | null)[], signal: AbortSignal): void {
  mount(el, { x, score: scores }, {
    grid: { left: 2, right: 2, top: 2, bottom: 2 },
    xAxis: { type: "category", data: x, show: false },
    yAxis: { type: "value", min: 0, max: 100, show: false },
    tooltip: { trigger: "axis" },
    series: [{ type: "line", data: scores, symbol: "none", lineStyle: { width: 1.5, color: "#1f5fbf" } }],
  }, signal);
}

// Headcount at the end of each period; unknown periods are gaps (null).
export function headcountChart(el: HTMLElement, x: string[], headcount: (number | null)[], signal: AbortSignal): void {
  mount(el, { x, headcount }, {
    grid: kGrid,
    legend: { top: 0, data: ["headcount"] },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: x },
    yAxis: { type: "value", scale: true },
    series: [{ name: "headcount", type: "line", data: headcount, connectNulls: false, color: "#1f5fbf" }],
  }, signal);
}

// Hires and departures within each period, side by side.
export function movesChart(el: HTMLElement, x: string[], hires: number[], departures: number[], signal: AbortSignal): void {
  mount(el, { x, hires, departures }, {
    grid: kGrid,
    legend: { top: 0, data: ["hires", "departures"] },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: x },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "hires", type: "bar", data: hires, color: kStatusColours.healthy },
      { name: "departures", type: "bar", data: departures, color: kStatusColours.critical },
    ],
  }, signal);
}

// The score at the end of each period over the status bands (HEALTHY ≥ 75 > WATCH ≥ 55 > AT_RISK ≥ 35 > CRITICAL);
// unscored (UNKNOWN) periods are gaps (null).
export function scoreChart(el: HTMLElement, x: string[], scores: (number | null)[], signal: AbortSignal): void {
  const band = (from: number, to: number, colour: string) =>
    [{ yAxis: from, itemStyle: { color: colour, opacity: 0.12 } }, { yAxis: to }];
  mount(el, { x, score: scores }, {
    grid: kGrid,
    legend: { top: 0, data: ["score"] },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: x },
    yAxis: { type: "value", min: 0, max: 100 },
    series: [{
      name: "score", type: "line", data: scores, color: "#1d2330",
      markArea: {
        silent: true,
        data: [band(75, 100, kStatusColours.healthy), band(55, 75, kStatusColours.watch),
               band(35, 55, kStatusColours.at_risk), band(0, 35, kStatusColours.critical)],
      },
    }],
  }, signal);
}

// People into and out of an org per month (bars) and the net (in − out, a line).
export function monthlyFlowChart(el: HTMLElement, x: string[], inbound: number[], outbound: number[], net: number[],
                                 signal: AbortSignal): void {
  mount(el, { x, inbound, outbound, net }, {
    grid: kGrid,
    legend: { top: 0, data: ["in", "out", "net"] },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: x },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "in", type: "bar", data: inbound, color: kStatusColours.healthy },
      { name: "out", type: "bar", data: outbound, color: kStatusColours.critical },
      { name: "net", type: "line", data: net, color: "#1d2330" },
    ],
  }, signal);
}

export interface FlowLink { source: string; target: string; value: number; }

// A Sankey of people between orgs. Node names must be unique and the graph acyclic, so callers name
// an org on the left ("from anthropic") apart from the same org on the right ("to anthropic").
export function sankeyChart(el: HTMLElement, links: FlowLink[], signal: AbortSignal): void {
  const names = [...new Set(links.flatMap((l) => [l.source, l.target]))];
  mount(el, { links }, {
    tooltip: { trigger: "item" },
    series: [{
      type: "sankey", left: 20, right: 160, top: 10, bottom: 10, nodeGap: 10, draggable: false,
      emphasis: { focus: "adjacency" },
      data: names.map((name) => ({ name })),
      links,
      lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 },
      label: { fontSize: 12 },
    }],
  }, signal);
}
