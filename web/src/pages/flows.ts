// "/orgs/<org>/flows?from=YYYY-MM-DD&to=YYYY-MM-DD": where the org's people went and where its hires
// came from (GetTalentFlows, both directions, by month of effective time), as a Sankey of distinct
// people — origins on the left, the org in the middle, destinations on the right — and a table;
// then the monthly series (FLOW_GRANULARITY_MONTH): people in, out and net per month, as a chart and
// a table. `&with=<org>` keeps only the flows between the two orgs (GetTalentFlows' counterparty).
// Every call sends the page's evidence filter (evidence.ts).
import { ConnectError, Code } from "@connectrpc/connect";
import { dayTimestamp, enumLabel, isDay, query, watermarkText } from "../api";
import { monthlyFlowChart, sankeyChart, type FlowLink } from "../charts";
import { csvButton, type Cell } from "../csv";
import { dateInput, h, watermarkLine } from "../dom";
import { evidenceControls, evidenceFromQuery, evidenceRequest, keepEvidence } from "../evidence";
import { Seniority } from "../gen/talentflow/v1/event_pb";
import { FlowGranularity, GetTalentFlowsRequest_Direction } from "../gen/talentflow/v1/query_pb";
import { navigate, type PageContext } from "../router";

function dayParam(ctx: PageContext, name: string): string | undefined {
  const value = ctx.query.get(name);
  if (value === null || value === "") return undefined;
  if (!isDay(value)) throw new ConnectError(`${name} ${JSON.stringify(value)} is not a day (YYYY-MM-DD)`, Code.InvalidArgument);
  return value;
}

export async function flowsPage(ctx: PageContext): Promise<void> {
  const [org] = ctx.params;
  const from = dayParam(ctx, "from");
  const to = dayParam(ctx, "to");
  const counterparty = ctx.query.get("with")?.trim() || undefined;
  const choice = evidenceFromQuery(ctx.query);
  const answer = await query.getTalentFlows({
    org, direction: GetTalentFlowsRequest_Direction.BOTH, from: dayTimestamp(from), to: dayTimestamp(to),
    granularity: FlowGranularity.MONTH, counterparty, evidence: evidenceRequest(choice),
  }, { signal: ctx.signal });
  const base = `/orgs/${encodeURIComponent(org)}/flows`;
  const go = (f: string | undefined, t: string | undefined, w: string | undefined) => {
    const q = new URLSearchParams();
    if (f) q.set("from", f);
    if (t) q.set("to", t);
    if (w) q.set("with", w);
    navigate(keepEvidence(q.size ? `${base}?${q}` : base, choice));
  };
  ctx.setCrumbs(h("a", { href: keepEvidence("/", choice) }, "orgs"),
    h("a", { href: keepEvidence(`/orgs/${encodeURIComponent(org)}`, choice) }, org), "flows");
  const withInput = h("input", { type: "text", value: counterparty ?? "", placeholder: "every org", size: 16, "data-testid": "flows-with" });
  withInput.addEventListener("change", () => go(from, to, withInput.value.trim() || undefined));
  const months = answer.months;
  const monthly = h("div", { class: "chart", "data-testid": "chart-monthly" });
  const other = counterparty ?? "every org";
  const sum = (f: (m: (typeof months)[number]) => bigint) => months.reduce((n, m) => n + f(m), 0n);

  // Outbound edges leave `org`; inbound ones arrive. The same org can be on both sides (people left
  // for anthropic and came from anthropic), so each side gets its own node name.
  const outbound = (fromOrg: string) => fromOrg === org;
  const links: FlowLink[] = answer.edges.map((e) => outbound(e.fromOrg)
    ? { source: org, target: `to ${e.toOrg || "no org"}`, value: Number(e.people) }
    : { source: `from ${e.fromOrg || "unknown"}`, target: org, value: Number(e.people) });
  const chart = h("div", { class: "chart", style: "height: 460px", "data-testid": "chart-flows" });
  const period = `${from ?? "12 months before to"} … ${to ?? "today"}`;

  ctx.root.append(
    h("h1", {}, `${org}: where people went and came from`),
    h("div", { class: "toolbar" },
      dateInput("from", from ?? "", "flows-from", (d) => go(d || undefined, to, counterparty)),
      dateInput("to", to ?? "", "flows-to", (d) => go(from, d || undefined, counterparty)),
      h("label", {}, "with", withInput),
      evidenceControls(choice, answer.evidence)),
    h("p", { class: "muted" }, `by month of the move; period ${period}; distinct people${counterparty ? `; only flows between ${org} and ${counterparty}` : ""}`),
    answer.edges.length === 0
      ? h("p", { class: "muted", "data-testid": "empty" },
          `Nobody moved into or out of ${org} in this period${answer.latestMonth ? `; the latest month anyone did: ${answer.latestMonth}` : ""}.`)
      : h("div", { class: "card" }, chart),
    h("table", { "data-testid": "flows-table" },
      h("thead", {}, h("tr", {}, ["from", "to", "people", "who"].map((c) => h("th", { class: c === "people" ? "num" : undefined }, c)))),
      h("tbody", {}, answer.edges.map((e) => h("tr", { "data-testid": "flow-row", "data-from": e.fromOrg, "data-to": e.toOrg },
        h("td", { class: "nowrap" }, e.fromOrg || "unknown"), h("td", { class: "nowrap" }, e.toOrg || "no org"),
        h("td", { class: "num", "data-testid": "people" }, e.people.toString()),
        h("td", { class: "muted" }, e.movers.map((m) => `${m.name || m.id || "?"} (${m.team}, ${m.month})`).join("; ")))))),
    h("div", { class: "toolbar" }, csvButton(`${org}-flows.csv`, "csv-flows", () => ({
      header: ["from_org", "to_org", "team", "month", "person_id", "person_name", "seniority"],
      rows: answer.edges.flatMap((e) => e.movers.map((m): Cell[] =>
        [e.fromOrg, e.toOrg, m.team, m.month, m.id, m.name, enumLabel(Seniority, m.seniority)])),
    }))),
    h("h2", {}, `Net flow by month: ${org} and ${other}`),
    h("p", { class: "muted" }, `in: people from ${other} into ${org}; out: people from ${org} to ${other}; ` +
      "each person once per edge, in the first month of the period a report moved them along it"),
    h("div", { class: "card" }, monthly),
    h("table", { "data-testid": "monthly-table" },
      h("thead", {}, h("tr", {}, ["month", "in", "out", "net"].map((c) => h("th", { class: c === "month" ? undefined : "num" }, c)))),
      h("tbody", {}, months.map((m) => h("tr", { "data-testid": "month-row", "data-month": m.month },
        h("td", {}, m.month), h("td", { class: "num", "data-testid": "in" }, m.inbound.toString()),
        h("td", { class: "num", "data-testid": "out" }, m.outbound.toString()), h("td", { class: "num", "data-testid": "net" }, m.net.toString())))),
      h("tfoot", {}, h("tr", { class: "totals", "data-testid": "month-total" }, h("td", {}, "total"),
        h("td", { class: "num" }, sum((m) => m.inbound).toString()), h("td", { class: "num" }, sum((m) => m.outbound).toString()),
        h("td", { class: "num" }, sum((m) => m.net).toString())))),
    h("div", { class: "toolbar" }, csvButton(`${org}-${counterparty ?? "all"}-monthly.csv`, "csv-monthly", () => ({
      header: ["org", "counterparty", "month", "inbound", "outbound", "net"],
      rows: months.map((m): Cell[] => [org, counterparty ?? "", m.month, m.inbound, m.outbound, m.net]),
    }))),
    watermarkLine(watermarkText(answer.watermark)),
  );
  if (links.length) sankeyChart(chart, links, ctx.signal);
  monthlyFlowChart(monthly, months.map((m) => m.month), months.map((m) => Number(m.inbound)),
    months.map((m) => Number(m.outbound)), months.map((m) => Number(m.net)), ctx.signal);
}
