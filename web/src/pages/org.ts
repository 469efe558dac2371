// "/orgs/<org>?as_of=YYYY-MM-DD": every team of the org (GetOrgSnapshot, one consistent read) with its
// score on its status colour, a 12-month score sparkline (GetTeamTrend by month), headcount, 90-day
// departures (senior, leadership), hires, priority and budget, and the org's totals. Without as_of
// (= today) the table follows WatchTeamHealth: a team's row changes as soon as its events land.
// Below it, the org's movement (GetTeamMovement's totals over its teams: seniority mix, backfills).
// Every call, the live stream's too, sends the page's evidence filter (evidence.ts).
import { ConnectError, Code } from "@connectrpc/connect";
import {
  dayTimestamp, describeError, enumLabel, isDay, monthStartBefore, query, scoreOrNull, statusLabel, todayUtc, watermarkText,
} from "../api";
import { sparkline } from "../charts";
import { csvButton, type Cell } from "../csv";
import { appendAll, dateInput, h, scoreBadge, watermarkLine } from "../dom";
import { evidenceControls, evidenceFromQuery, evidenceRequest, keepEvidence, type EvidenceChoice } from "../evidence";
import { movementSection } from "../movement";
import { BudgetStatus, Priority } from "../gen/talentflow/v1/event_pb";
import type { TeamHealth } from "../gen/talentflow/v1/health_pb";
import { GetTeamTrendRequest_Granularity, type OrgTotals } from "../gen/talentflow/v1/query_pb";
import { link, navigate, type PageContext } from "../router";

const kColumns = ["team", "score", "12 months", "headcount", "departures 90d", "senior 90d", "leadership 90d",
  "hires 90d", "priority", "budget"];
const kNumeric = new Set(["headcount", "departures 90d", "senior 90d", "leadership 90d", "hires 90d"]);

function window90(health: TeamHealth) {
  return health.windows.find((w) => w.days === 90);
}

// The table's values of a team, in kColumns order (the sparkline's cell aside), as the CSV has them.
function values(health: TeamHealth): Cell[] {
  const w = window90(health);
  return [
    health.team, scoreOrNull(health.score, health.status) ?? "", statusLabel(health.status), health.headcountKnown ? health.headcount : "",
    w?.departures ?? 0n, w?.seniorDepartures ?? 0n, w?.leadershipDepartures ?? 0n, w?.hires ?? 0n,
    enumLabel(Priority, health.priority), enumLabel(BudgetStatus, health.budget), health.active,
  ];
}

function teamCells(org: string, health: TeamHealth, spark: HTMLElement, asOf: string | undefined, choice: EvidenceChoice): HTMLElement[] {
  const w = window90(health);
  const num = (testid: string, value: bigint | number | string) => h("td", { class: "num", "data-testid": testid }, value.toString());
  const teamHref = keepEvidence(`/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(health.team)}${asOf ? `?as_of=${asOf}` : ""}`, choice);
  return [
    h("td", {}, link(teamHref, health.displayName || health.team, "team-link"),
      !health.active && h("span", { class: "tag", "data-testid": "inactive" },
        ` inactive${health.successor ? `: merged into ${health.successor}` : ""}${health.inactiveSince ? ` on ${health.inactiveSince}` : ""}`)),
    h("td", { "data-testid": "health" }, scoreBadge(scoreOrNull(health.score, health.status), statusLabel(health.status), "health")),
    spark,
    num("headcount", health.headcountKnown ? health.headcount : "unknown"),
    num("departures-90d", w?.departures ?? 0n),
    num("senior-90d", w?.seniorDepartures ?? 0n),
    num("leadership-90d", w?.leadershipDepartures ?? 0n),
    num("hires-90d", w?.hires ?? 0n),
    h("td", { "data-testid": "priority" }, enumLabel(Priority, health.priority) || "—"),
    h("td", { "data-testid": "budget" }, enumLabel(BudgetStatus, health.budget) || "—"),
  ];
}

function totalsRow(totals: OrgTotals | undefined): HTMLElement {
  const t = totals;
  const num = (testid: string, value: bigint | undefined) => h("td", { class: "num", "data-testid": testid }, (value ?? 0n).toString());
  const counts = t ? ["healthy", "watch", "at_risk", "critical", "unknown"]
    .map((s) => `${t.statusCounts[s] ?? 0n} ${s.replace("_", " ")}`).join(", ") : "";
  return h("tr", { class: "totals", "data-testid": "totals" },
    h("td", {}, `${t?.teams ?? 0n} active teams`), h("td", { colspan: 2, "data-testid": "status-counts" }, counts),
    h("td", { class: "num", "data-testid": "total-headcount" }, (t?.headcount ?? 0n).toString(),
      t && t.teamsWithoutHeadcount > 0n ? ` (+${t.teamsWithoutHeadcount} unknown)` : ""),
    num("total-departures-90d", t?.departures90d), num("total-senior-90d", t?.seniorDepartures90d),
    num("total-leadership-90d", t?.leadershipDepartures90d), num("total-hires-90d", t?.hires90d),
    h("td", { colspan: 2 }));
}

export async function orgPage(ctx: PageContext): Promise<void> {
  const [org] = ctx.params;
  const param = ctx.query.get("as_of");
  if (param !== null && !isDay(param)) throw new ConnectError(`as_of ${JSON.stringify(param)} is not a day (YYYY-MM-DD)`, Code.InvalidArgument);
  const asOf = param ?? undefined;
  const choice = evidenceFromQuery(ctx.query);
  const evidence = evidenceRequest(choice);
  const [snapshot, movement] = await Promise.all([
    query.getOrgSnapshot({ org, asOf: dayTimestamp(asOf), evidence }, { signal: ctx.signal }),
    query.getTeamMovement({ org, asOf: dayTimestamp(asOf), evidence }, { signal: ctx.signal }),
  ]);
  const day = asOf ?? (snapshot.asOf || todayUtc());
  const base = `/orgs/${encodeURIComponent(org)}`;
  ctx.setCrumbs(h("a", { href: keepEvidence("/", choice) }, "orgs"), org);

  const rows = new Map<string, { row: HTMLElement; health: TeamHealth; spark: HTMLElement }>();
  const tbody = h("tbody", {});
  const totals = h("tfoot", {}, totalsRow(snapshot.totals));
  const watermark = watermarkLine(watermarkText(snapshot.watermark));
  const live = h("span", { class: "live", "data-testid": "live" });

  const upsert = (health: TeamHealth) => {
    let entry = rows.get(health.team);
    if (!entry) {
      const spark = h("td", {}, h("div", { class: "spark", "data-testid": "sparkline" }));
      entry = { row: h("tr", { "data-testid": "team-row", "data-team": health.team }), health, spark };
      rows.set(health.team, entry);
      tbody.append(entry.row);
      loadSparkline(health.team, spark.firstElementChild as HTMLElement);
    }
    entry.health = health;
    entry.row.classList.toggle("inactive", !health.active);
    entry.row.replaceChildren(...teamCells(org, health, entry.spark, asOf, choice));
  };
  const loadSparkline = (team: string, el: HTMLElement) => {
    query.getTeamTrend({
      org, team, from: dayTimestamp(monthStartBefore(day, 11)), to: dayTimestamp(day),
      granularity: GetTeamTrendRequest_Granularity.MONTH, evidence,
    }, { signal: ctx.signal }).then((trend) => {
      sparkline(el, trend.points.map((p) => p.date), trend.points.map((p) => scoreOrNull(p.score, p.status)), ctx.signal);
    }, (error) => {
      if (!ctx.signal.aborted) el.replaceChildren(h("span", { class: "muted", title: describeError(error) }, "—"));
    });
  };
  for (const health of snapshot.teams) upsert(health);

  appendAll(ctx.root,
    h("h1", {}, `${org} `, h("span", { class: "muted", "data-testid": "as-of-label" }, `as of ${day}`), " ", live),
    h("div", { class: "toolbar" },
      dateInput("as of", asOf ?? "", "as-of", (d) => navigate(keepEvidence(d ? `${base}?as_of=${d}` : base, choice))),
      asOf && h("a", { class: "button", href: keepEvidence(base, choice), "data-testid": "today" }, "today (live)"),
      evidenceControls(choice, snapshot.evidence),
      h("a", { href: keepEvidence(`${base}/flows`, choice), "data-testid": "flows-link" }, "where people went and came from →")),
    snapshot.teams.length === 0 && h("p", { class: "muted" },
      `No team of ${org} has an event up to ${day}${snapshot.latestEventDay ? ` (the latest is on ${snapshot.latestEventDay})` : ""}.`),
    h("table", { "data-testid": "teams-table" },
      h("thead", {}, h("tr", {}, kColumns.map((c) => h("th", { class: kNumeric.has(c) ? "num" : undefined }, c)))),
      tbody, totals),
    h("div", { class: "toolbar" }, csvButton(`${org}-${day}.csv`, "csv-teams", () => ({
      header: ["team", "score", "status", "headcount", "departures_90d", "senior_departures_90d",
        "leadership_departures_90d", "hires_90d", "priority", "budget", "active"],
      rows: [...rows.values()].map((r) => values(r.health)),
    }))),
    ...movementSection(movement, movement.totals, `${org}, every team`,
      (id) => keepEvidence(`/people/${encodeURIComponent(id)}`, choice)),
    watermark,
  );

  if (asOf) return;
  // Today: follow the org's teams. The first messages are every team's current health, then one per change.
  let refresh: ReturnType<typeof setTimeout> | undefined;
  live.textContent = "● live";
  (async () => {
    for await (const update of query.watchTeamHealth({ org, evidence }, { signal: ctx.signal })) {
      live.dataset.state = "connected";
      if (update.health) upsert(update.health);
      if (update.health) rows.get(update.health.team)!.row.dataset.live = "1";  // as the stream sent it (tests wait on it)
      watermark.textContent = watermarkText(update.watermark);
      // The totals come from one consistent read; a burst of updates costs one read.
      clearTimeout(refresh);
      refresh = setTimeout(() => {
        query.getOrgSnapshot({ org, evidence }, { signal: ctx.signal })
          .then((s) => totals.replaceChildren(totalsRow(s.totals)), () => undefined);
      }, 100);
    }
    live.dataset.state = "ended";
    live.textContent = "live updates ended (reload to follow again)";
    live.classList.add("muted");
  })().catch((error) => {
    if (ctx.signal.aborted) return;
    live.dataset.state = "stopped";
    live.textContent = `live updates stopped (${describeError(error)})`;
    live.classList.add("muted");
  });
}
