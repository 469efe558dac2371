// The movement section of the team and org pages (GetTeamMovement, README "Movement"): hires,
// departures and transfers by seniority in the 30/90/365-day windows ending at as_of, the senior
// departures of each window (backfilled or open), and the 365-day window's senior departures one by
// one — backfilled by whom after how many days, or open for how many days. Two CSV links, with
// talentflowctl's `movement --csv` and `--csv --backfills` columns (enum values as lower-case labels).
import { csvButton, type Cell } from "./csv";
import { h } from "./dom";
import { enumLabel } from "./api";
import { MoveKind, type GetTeamMovementResponse, type SeniorityCounts, type TeamMovement } from "./gen/talentflow/v1/query_pb";
import { Seniority, type Person } from "./gen/talentflow/v1/event_pb";

const kSeniorities = ["unspecified", "junior", "mid", "senior", "staff", "principal", "leadership", "total"] as const;
const kKinds = [["hires", "hires"], ["departures", "departures"], ["transfersIn", "transfers in"], ["transfersOut", "transfers out"]] as const;

function count(c: SeniorityCounts | undefined, seniority: (typeof kSeniorities)[number]): bigint {
  return c ? c[seniority] : 0n;
}

function who(p: Person | undefined): string {
  if (!p) return "?";
  const seniority = enumLabel(Seniority, p.seniority);
  return `${p.name || p.id || "?"}${seniority ? ` (${seniority})` : ""}`;
}

// `personHref` links a person to their page (undefined: no link, e.g. a report without person.id).
export function movementSection(answer: GetTeamMovementResponse, movement: TeamMovement | undefined,
                                name: string, personHref: (id: string) => string | undefined): HTMLElement[] {
  const windows = movement?.windows ?? [];
  const header = h("tr", {}, h("th", {}, "seniority"),
    kKinds.flatMap(([, label]) => windows.map((w) => h("th", { class: "num" }, `${label} ${w.days}d`))));
  const rows = kSeniorities.map((s) => h("tr", { "data-testid": "mix-row", "data-seniority": s, class: s === "total" ? "totals" : undefined },
    h("td", {}, s),
    kKinds.flatMap(([kind]) => windows.map((w) =>
      h("td", { class: "num", "data-testid": `${kind}-${w.days}` }, count(w[kind], s).toString())))));
  const senior = windows.map((w) => h("li", { "data-testid": "senior-window", "data-days": w.days },
    `${w.days} days (from ${w.from}): ${w.seniorDepartures} senior departure${w.seniorDepartures === 1n ? "" : "s"}, ` +
    `${w.backfilled} backfilled, ${w.open} open`));
  const backfills = movement?.backfills ?? [];
  const personCell = (p: Person | undefined, testid: string) => {
    const href = p?.id ? personHref(p.id) : undefined;
    return href ? h("a", { href, "data-testid": testid }, who(p)) : who(p);
  };
  const kindWords = (k: MoveKind) => (k === MoveKind.TRANSFER_IN ? "transfer in" : "hire");
  const slug = [answer.org, movement?.team, answer.asOf].filter(Boolean).join("-");
  return [
    h("h2", {}, `Movement by seniority (${name}, windows ending ${answer.asOf})`),
    windows.length
      ? h("table", { "data-testid": "movement-table" }, h("thead", {}, header), h("tbody", {}, rows))
      : h("p", { class: "muted", "data-testid": "movement-table" }, "No movement figures in the answer."),
    h("ul", { class: "reasons", "data-testid": "senior-windows" }, senior),
    h("div", { class: "toolbar" }, csvButton(`${slug}-movement.csv`, "csv-movement", () => ({
      header: ["org", "team", "as_of", "window_days", "window_from", "kind", ...kSeniorities],
      rows: windows.flatMap((w) => kKinds.map(([kind]): Cell[] => [answer.org, movement?.team ?? "", answer.asOf, w.days, w.from,
        kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), ...kSeniorities.map((s) => count(w[kind], s))])),
    }))),
    h("h2", {}, "Senior departures of the 365 days and their backfills"),
    backfills.length
      ? h("table", { "data-testid": "backfills-table" },
          h("thead", {}, h("tr", {}, ["left", "team", "person", "backfilled by", "days"].map((c) => h("th", { class: c === "days" ? "num" : undefined }, c)))),
          h("tbody", {}, backfills.map((b) => h("tr", { "data-testid": "backfill-row", "data-departure": b.departureEventId, "data-open": b.open ? "1" : "0" },
            h("td", { class: "nowrap" }, b.departureDay),
            h("td", {}, b.team),
            h("td", {}, personCell(b.person, "person-link")),
            h("td", { "data-testid": "backfilled-by" }, b.open
              ? h("span", { class: "tag tag-pending" }, "open")
                : [personCell(b.hirePerson, "hire-person-link"), ` (${kindWords(b.hireKind)} on ${b.hireDay})`]),
            h("td", { class: "num", "data-testid": "days" }, b.days.toString())))))
      : h("p", { class: "muted", "data-testid": "backfills-table" }, "No senior departure in the 365 days up to as_of."),
    h("p", { class: "muted" }, "Days: from the departure to its backfill, or to as_of while open."),
    h("div", { class: "toolbar" }, csvButton(`${slug}-backfills.csv`, "csv-backfills", () => ({
      header: ["org", "team", "departure_event_id", "departure_day", "person_id", "person_name", "seniority", "status",
        "hire_event_id", "hire_day", "hire_kind", "hire_person_id", "hire_person_name", "hire_seniority", "days"],
      rows: backfills.map((b): Cell[] => [answer.org, b.team, b.departureEventId, b.departureDay, b.person?.id ?? "",
        b.person?.name ?? "", enumLabel(Seniority, b.person?.seniority ?? 0), b.open ? "open" : "backfilled", b.hireEventId, b.hireDay,
        enumLabel(MoveKind, b.hireKind), b.hirePerson?.id ?? "", b.hirePerson?.name ?? "",
        b.hirePerson ? enumLabel(Seniority, b.hirePerson.seniority) : "", b.days]),
    }))),
  ];
}
