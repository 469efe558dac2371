// "/orgs/<org>/teams/<team>?as_of=YYYY-MM-DD": one team's health (GetTeamHealth) with the score's
// reasons and top destinations, 12 months of trend charts ending at as_of (GetTeamTrend by month:
// headcount; hires and departures; score over its status bands), and the team's event history
// (ListEvents, every page) with evidence links, confidence and status — retracted and duplicate
// events struck through and labelled, each person linking to their page — and the team's movement
// (GetTeamMovement: the seniority mix of its windows and its senior departures' backfills). Every
// call sends the page's evidence filter (`?min_confidence=…&corroborated=1`, evidence.ts).
import { ConnectError, Code } from "@connectrpc/connect";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { dayTimestamp, enumLabel, isDay, monthStartBefore, query, scoreOrNull, statusLabel, todayUtc, watermarkText } from "../api";
import { headcountChart, movesChart, scoreChart } from "../charts";
import { csvButton, type Cell } from "../csv";
import { appendAll, dateInput, figure, h, scoreBadge, watermarkLine } from "../dom";
import { evidenceControls, evidenceFromQuery, evidenceRequest, keepEvidence, type EvidenceChoice } from "../evidence";
import { movementSection } from "../movement";
import {
  BudgetStatus, Confidence, DestinationKind, EventStatus, Priority, RetentionKind, Seniority, TeamChangeKind,
  type Event,
} from "../gen/talentflow/v1/event_pb";
import { GetTeamTrendRequest_Granularity, type EventRecord, type EvidenceFilter } from "../gen/talentflow/v1/query_pb";
import { navigate, type PageContext } from "../router";

function day(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toISOString().slice(0, 10) : "";
}

const kStatusWords: Record<EventStatus, string> = {
  [EventStatus.UNSPECIFIED]: "unknown",
  [EventStatus.APPLIED]: "applied",
  [EventStatus.DUPLICATE]: "duplicate",
  [EventStatus.RETRACTED]: "retracted",
  [EventStatus.RETRACTION_APPLIED]: "retraction applied",
  [EventStatus.RETRACTION_PENDING]: "retraction pending",
  [EventStatus.RETRACTION_NOOP]: "retraction without effect",
};

// What the event says, in a few words: "to anthropic (competitor), regretted".
function detail(event: Event): string {
  const p = event.payload;
  switch (p.case) {
    case "hire": return `from ${p.value.fromOrg || "unknown"}`;
    case "departure": {
      const kind = enumLabel(DestinationKind, p.value.destinationKind).replace("_", " ");
      return [`to ${p.value.destinationOrg || "no org"}${kind ? ` (${kind})` : ""}`,
        p.value.regretted && "regretted", p.value.reason].filter(Boolean).join(", ");
    }
    case "transferOut": return `to team ${p.value.toTeam}`;
    case "transferIn": return `from team ${p.value.fromTeam}`;
    case "reprioritisation": return [`priority ${enumLabel(Priority, p.value.priority)}`, p.value.rationale].filter(Boolean).join(": ");
    case "budgetChange": return `budget ${enumLabel(BudgetStatus, p.value.status)}`;
    case "computeReallocation": return `${Math.round(p.value.share * 100)} % of compute to ${p.value.toTeam}`;
    case "retentionAction": return [enumLabel(RetentionKind, p.value.kind), p.value.population, p.value.note].filter(Boolean).join(", ");
    case "teamChange": return [enumLabel(TeamChangeKind, p.value.kind), p.value.intoTeam && `into ${p.value.intoTeam}`, p.value.newName]
      .filter(Boolean).join(" ");
    case "headcountReport": return `headcount ${p.value.headcount}`;
    case "retraction": return `retracts ${p.value.targetEventId}: ${p.value.reason}`;
    default: return "";
  }
}

function kind(event: Event): string {
  return (event.payload.case ?? "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function person(event: Event): string {
  const p = event.person;
  if (!p) return "";
  const seniority = enumLabel(Seniority, p.seniority);
  return `${p.name || p.id}${seniority ? ` (${seniority})` : ""}`;
}

// A person's page (GetPerson), with the page's filter; none for a report without person.id.
export function personHref(id: string, choice: EvidenceChoice): string {
  return keepEvidence(`/people/${encodeURIComponent(id)}`, choice);
}

function eventRow(record: EventRecord, choice: EvidenceChoice): HTMLElement {
  const e = record.event!;
  const status = kStatusWords[record.status] ?? "unknown";
  const struck = record.status === EventStatus.RETRACTED || record.status === EventStatus.DUPLICATE;
  const tagClass = record.status === EventStatus.RETRACTED ? "tag-retracted"
    : record.status === EventStatus.DUPLICATE ? "tag-duplicate"
    : record.status === EventStatus.RETRACTION_PENDING ? "tag-pending" : "";
  return h("tr", {
    class: struck ? `event-${status}` : undefined, "data-testid": "event-row", "data-event-id": e.eventId, "data-status": status,
  },
    h("td", {}, h("code", {}, e.eventId)),
    h("td", { class: "struck nowrap" }, day(e.effectiveTime)),
    h("td", { class: "struck" }, kind(e)),
    h("td", { class: "struck" }, e.person?.id
      ? h("a", { href: personHref(e.person.id, choice), "data-testid": "person-link" }, person(e)) : person(e)),
    h("td", { class: "struck" }, detail(e)),
    h("td", {}, enumLabel(Confidence, e.confidence) || "—"),
    h("td", {}, e.evidence.map((ev, i) => [i ? ", " : "",
      ev.url ? h("a", { href: ev.url, target: "_blank", rel: "noopener noreferrer" }, ev.outlet || ev.url) : ev.outlet])),
    h("td", {}, h("span", { class: `tag ${tagClass}`, "data-testid": "event-status" }, status),
      record.note && h("div", { class: "muted", "data-testid": "event-note" }, record.note)),
  );
}

async function allEvents(org: string, team: string, evidence: EvidenceFilter | undefined, signal: AbortSignal) {
  const records: EventRecord[] = [];
  let pageToken = "";
  let answer;
  do {
    answer = await query.listEvents({ org, team, pageSize: 1000, pageToken, evidence }, { signal });
    records.push(...answer.events);
    pageToken = answer.nextPageToken;
  } while (pageToken);
  return { records, watermark: answer.watermark, evidence: answer.evidence };
}

export async function teamPage(ctx: PageContext): Promise<void> {
  const [org, team] = ctx.params;
  const param = ctx.query.get("as_of");
  if (param !== null && !isDay(param)) throw new ConnectError(`as_of ${JSON.stringify(param)} is not a day (YYYY-MM-DD)`, Code.InvalidArgument);
  const asOf = param ?? undefined;
  const until = asOf ?? todayUtc();
  const choice = evidenceFromQuery(ctx.query);
  const evidence = evidenceRequest(choice);
  const [healthAnswer, trend, events, movement] = await Promise.all([
    query.getTeamHealth({ org, team, asOf: dayTimestamp(asOf), evidence }, { signal: ctx.signal }),
    query.getTeamTrend({
      org, team, from: dayTimestamp(monthStartBefore(until, 11)), to: dayTimestamp(until),
      granularity: GetTeamTrendRequest_Granularity.MONTH, evidence,
    }, { signal: ctx.signal }),
    allEvents(org, team, evidence, ctx.signal),
    query.getTeamMovement({ org, team, asOf: dayTimestamp(asOf), evidence }, { signal: ctx.signal }),
  ]);
  const health = healthAnswer.health!;
  const base = `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(team)}`;
  const orgHref = keepEvidence(`/orgs/${encodeURIComponent(org)}${asOf ? `?as_of=${asOf}` : ""}`, choice);
  ctx.setCrumbs(h("a", { href: keepEvidence("/", choice) }, "orgs"), h("a", { href: orgHref }, org), team);

  const windows = new Map(health.windows.map((w) => [w.days, w]));
  const w30 = windows.get(30), w90 = windows.get(90), w365 = windows.get(365);
  const since = (label: string, from: string) => (label ? `${label}${from ? ` since ${from}` : ""}` : "—");
  const x = trend.points.map((p) => p.date);
  const charts = {
    headcount: h("div", { class: "chart", "data-testid": "chart-headcount" }),
    moves: h("div", { class: "chart", "data-testid": "chart-moves" }),
    score: h("div", { class: "chart", "data-testid": "chart-score" }),
  };

  appendAll(ctx.root,
    h("h1", {}, `${org} / ${health.displayName || team} `, scoreBadge(scoreOrNull(health.score, health.status), statusLabel(health.status), "health"),
      " ", h("span", { class: "muted", "data-testid": "as-of-label" }, `as of ${health.asOf}`)),
    h("div", { class: "toolbar" },
      dateInput("as of", asOf ?? "", "as-of", (d) => navigate(keepEvidence(d ? `${base}?as_of=${d}` : base, choice))),
      evidenceControls(choice, healthAnswer.evidence)),
    !health.active && h("p", { class: "tag", "data-testid": "inactive" },
      `inactive${health.successor ? `: merged into ${health.successor}` : ""}${health.inactiveSince ? ` on ${health.inactiveSince}` : ""}`),
    h("div", { class: "figures" },
      figure(`headcount${health.headcountReportedOn ? ` (from the report of ${health.headcountReportedOn})` : ""}`,
        health.headcountKnown ? health.headcount.toString() : "unknown", "fig-headcount"),
      figure("departures 30 / 90 / 365 d", `${w30?.departures ?? 0n} / ${w90?.departures ?? 0n} / ${w365?.departures ?? 0n}`, "fig-departures"),
      figure("senior / leadership departures 90 d", `${w90?.seniorDepartures ?? 0n} / ${w90?.leadershipDepartures ?? 0n}`, "fig-senior"),
      figure("hires 90 d", (w90?.hires ?? 0n).toString(), "fig-hires"),
      figure("annualised attrition 90 d", w90?.attritionKnown ? `${(w90.annualisedAttrition * 100).toFixed(1)} %` : "unknown", "fig-attrition"),
      figure("priority", since(enumLabel(Priority, health.priority), health.prioritySince), "fig-priority"),
      figure("budget", since(enumLabel(BudgetStatus, health.budget), health.budgetSince), "fig-budget")),
    h("h2", {}, "Why this score"),
    health.reasons.length
      ? h("ul", { class: "reasons", "data-testid": "reasons" }, health.reasons.map((r) => h("li", {}, r)))
      : h("p", { class: "muted", "data-testid": "reasons" }, "No term of the score fired."),
    h("h2", {}, `Trends, by month up to ${until}`),
    h("div", { class: "charts" },
      h("div", { class: "card" }, h("strong", {}, "Headcount"), charts.headcount),
      h("div", { class: "card" }, h("strong", {}, "Hires and departures"), charts.moves),
      h("div", { class: "card" }, h("strong", {}, "Score and status bands"), charts.score)),
    h("div", { class: "toolbar" }, csvButton(`${org}-${team}-trend.csv`, "csv-trend", () => ({
      header: ["date", "headcount", "hires", "departures", "score", "status"],
      rows: trend.points.map((p): Cell[] => [p.date, p.headcountKnown ? p.headcount : "", p.hires, p.departures, p.score, statusLabel(p.status)]),
    }))),
    h("h2", {}, "Top destinations (365 days)"),
    health.topDestinations.length
      ? h("table", { "data-testid": "destinations-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "org"), h("th", { class: "num" }, "people"))),
          h("tbody", {}, health.topDestinations.map((d) =>
            h("tr", { "data-testid": "destination-row" }, h("td", {}, d.org), h("td", { class: "num" }, d.people.toString())))))
      : h("p", { class: "muted" }, "Nobody left for another org in the 365 days up to as_of."),
    h("div", { class: "toolbar" }, csvButton(`${org}-${team}-destinations.csv`, "csv-destinations", () => ({
      header: ["org", "people"], rows: health.topDestinations.map((d) => [d.org, d.people]),
    }))),
    ...movementSection(movement, movement.teams[0], `${org}/${team}`, (id) => personHref(id, choice)),
    h("h2", {}, `Event history (${events.records.length} records, log order${evidence ? "; under the filter: the applied events that count" : ""})`),
    h("table", { "data-testid": "events-table" },
      h("thead", {}, h("tr", {}, ["event", "effective", "kind", "person", "what", "confidence", "evidence", "status"]
        .map((c) => h("th", {}, c)))),
      h("tbody", {}, events.records.map((r) => eventRow(r, choice)))),
    h("div", { class: "toolbar" }, csvButton(`${org}-${team}-events.csv`, "csv-events", () => ({
      header: ["event_id", "effective_date", "kind", "person_id", "person_name", "seniority", "what", "confidence",
        "evidence_urls", "status", "note", "partition", "offset"],
      rows: events.records.map((r): Cell[] => {
        const e = r.event!;
        return [e.eventId, day(e.effectiveTime), kind(e), e.person?.id ?? "", e.person?.name ?? "",
          e.person ? enumLabel(Seniority, e.person.seniority) : "", detail(e), enumLabel(Confidence, e.confidence),
          e.evidence.map((ev) => ev.url).join(" "), kStatusWords[r.status] ?? "unknown", r.note, r.partition, r.offset];
      }),
    }))),
    watermarkLine(watermarkText(healthAnswer.watermark)),
  );
  headcountChart(charts.headcount, x, trend.points.map((p) => (p.headcountKnown ? Number(p.headcount) : null)), ctx.signal);
  movesChart(charts.moves, x, trend.points.map((p) => Number(p.hires)), trend.points.map((p) => Number(p.departures)), ctx.signal);
  scoreChart(charts.score, x, trend.points.map((p) => scoreOrNull(p.score, p.status)), ctx.signal);
}
