// "/people/<id>": one person's moves across orgs (GetPerson, README "People"), in time order: where
// each report filed them (linking to the team's page), the kind, date and precision, where from and
// where to, the story's confidence, every outlet of the story and of its counterpart, whether it is
// corroborated (and why), and its status — duplicates and retracted reports struck through. Sends
// the page's evidence filter (under one, only the applied moves that pass are listed).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { enumLabel, query, watermarkText } from "../api";
import { csvButton, type Cell } from "../csv";
import { appendAll, h, watermarkLine } from "../dom";
import { evidenceControls, evidenceFromQuery, evidenceRequest, keepEvidence, type EvidenceChoice } from "../evidence";
import { Confidence, DatePrecision, EventStatus, Seniority } from "../gen/talentflow/v1/event_pb";
import { MoveKind, type PersonMove } from "../gen/talentflow/v1/query_pb";
import type { PageContext } from "../router";

function day(move: PersonMove): string {
  return move.effectiveTime ? timestampDate(move.effectiveTime).toISOString().slice(0, 10) : "";
}

// "2026-02-13", or "2026-02 (month)" when the report gave only the month (or quarter).
function when(move: PersonMove): string {
  const precision = enumLabel(DatePrecision, move.datePrecision);
  return precision && precision !== "day" ? `${day(move)} (${precision})` : day(move);
}

function place(org: string, team: string): string {
  return [org, team].filter(Boolean).join("/") || "unknown";
}

const kStatus: Partial<Record<EventStatus, string>> = {
  [EventStatus.APPLIED]: "applied", [EventStatus.DUPLICATE]: "duplicate", [EventStatus.RETRACTED]: "retracted",
};

function moveRow(move: PersonMove, choice: EvidenceChoice): HTMLElement {
  const status = kStatus[move.status] ?? "unknown";
  const struck = move.status !== EventStatus.APPLIED;
  const teamHref = keepEvidence(`/orgs/${encodeURIComponent(move.org)}/teams/${encodeURIComponent(move.team)}`, choice);
  return h("tr", { "data-testid": "move-row", "data-event-id": move.eventId, "data-status": status, class: struck ? `event-${status}` : undefined },
    h("td", {}, h("code", {}, move.eventId)),
    h("td", { class: "struck nowrap", "data-testid": "when" }, when(move)),
    h("td", { class: "struck" }, h("a", { href: teamHref }, `${move.org}/${move.team}`)),
    h("td", { class: "struck", "data-testid": "kind" }, enumLabel(MoveKind, move.kind).replace("_", " ")),
    h("td", { class: "struck", "data-testid": "from-to" }, `${place(move.fromOrg, move.fromTeam)} → ${place(move.toOrg, move.toTeam)}`),
    h("td", { "data-testid": "confidence" }, enumLabel(Confidence, move.storyConfidence) || "—"),
    h("td", { "data-testid": "outlets" }, move.outlets.join(", ")),
    h("td", { "data-testid": "counterpart" }, move.counterpartEventId
      ? `${move.counterpartEventId}${move.counterpartOutlets.length ? ` (${move.counterpartOutlets.join(", ")})` : ""}` : "—"),
    // Corroboration is a property of the applied move (a duplicate's evidence counts for it).
    h("td", { "data-testid": "corroborated" }, struck ? "—" : move.corroborated ? `yes: ${move.corroboratedBy.join(", ")}` : "no"),
    h("td", {}, h("span", { class: `tag ${struck ? `tag-${status}` : ""}`, "data-testid": "move-status" }, status),
      move.note && h("div", { class: "muted" }, move.note)));
}

export async function personPage(ctx: PageContext): Promise<void> {
  const [id] = ctx.params;
  const choice = evidenceFromQuery(ctx.query);
  const answer = await query.getPerson({ personId: id, evidence: evidenceRequest(choice) }, { signal: ctx.signal });
  const p = answer.person;
  ctx.setCrumbs(h("a", { href: keepEvidence("/", choice) }, "orgs"), "people", id);
  const seniority = p ? enumLabel(Seniority, p.seniority) : "";
  appendAll(ctx.root,
    h("h1", { "data-testid": "person-name" }, p?.name || id),
    h("p", { class: "muted" }, [id, p?.title, seniority].filter(Boolean).join(" · ")),
    h("div", { class: "toolbar" }, evidenceControls(choice, answer.evidence)),
    answer.moves.length === 0
      ? h("p", { class: "muted", "data-testid": "empty" }, `No report of a move of ${id}${choice.corroborated || choice.minConfidence ? " passes the filter" : ""}.`)
      : h("table", { "data-testid": "moves-table" },
          h("thead", {}, h("tr", {}, ["event", "effective", "filed under", "kind", "from → to", "confidence", "outlets",
            "counterpart", "corroborated", "status"].map((c) => h("th", {}, c)))),
          h("tbody", {}, answer.moves.map((m) => moveRow(m, choice)))),
    answer.counterparts.length > 0 && h("p", { "data-testid": "counterparts" }, "Counterparts: ",
      answer.counterparts.map((c) => `${c.outEventId} ↔ ${c.inEventId} (${c.daysApart} days apart)`).join("; ")),
    h("div", { class: "toolbar" }, csvButton(`${id}-moves.csv`, "csv-moves", () => ({
      header: ["event_id", "effective_date", "date_precision", "org", "team", "kind", "from_org", "from_team", "to_org", "to_team",
        "story_confidence", "outlets", "counterpart_event_id", "counterpart_outlets", "corroborated", "corroborated_by", "status", "note"],
      rows: answer.moves.map((m): Cell[] => [m.eventId, day(m), enumLabel(DatePrecision, m.datePrecision), m.org, m.team,
        enumLabel(MoveKind, m.kind), m.fromOrg, m.fromTeam, m.toOrg, m.toTeam, enumLabel(Confidence, m.storyConfidence),
        m.outlets.join("; "), m.counterpartEventId, m.counterpartOutlets.join("; "), m.corroborated, m.corroboratedBy.join("; "),
        kStatus[m.status] ?? "unknown", m.note]),
    }))),
    watermarkLine(watermarkText(answer.watermark)),
  );
}
