// The evidence filter of a page (README "Evidence filters"): which reports its figures count. It
// lives in the URL (`?min_confidence=reported&corroborated=1`), so a filtered page can be bookmarked
// or shared; every call the page makes sends it as the request's `evidence`, links to other pages
// keep it, and the page states the filter the service echoed in its answer (not the one it asked
// for: what the figures were computed under).
import { ConnectError, Code } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { h } from "./dom";
import { Confidence } from "./gen/talentflow/v1/event_pb";
import { EvidenceFilterSchema, type EvidenceFilter } from "./gen/talentflow/v1/query_pb";
import { navigate } from "./router";

// The URL's min_confidence values, in the order of the select (every report first).
const kLevels: { value: string; confidence: Confidence; label: string }[] = [
  { value: "", confidence: Confidence.UNSPECIFIED, label: "every report" },
  { value: "rumor", confidence: Confidence.RUMOR, label: "rumour or better" },
  { value: "reported", confidence: Confidence.REPORTED, label: "reported or better" },
  { value: "confirmed", confidence: Confidence.CONFIRMED, label: "confirmed" },
];

export interface EvidenceChoice {
  minConfidence: Confidence;  // UNSPECIFIED: every report
  corroborated: boolean;
}

// The page's filter from its URL. An unknown min_confidence is an error naming the parameter (the
// page shows it), never silently "every report".
export function evidenceFromQuery(query: URLSearchParams): EvidenceChoice {
  const value = query.get("min_confidence") ?? "";
  const level = kLevels.find((l) => l.value === value);
  if (!level) {
    throw new ConnectError(`min_confidence ${JSON.stringify(value)} is not one of rumor, reported, confirmed`, Code.InvalidArgument);
  }
  const corroborated = query.get("corroborated") ?? "";
  if (!["", "0", "1"].includes(corroborated)) {
    throw new ConnectError(`corroborated ${JSON.stringify(corroborated)} is not 1 or 0`, Code.InvalidArgument);
  }
  return { minConfidence: level.confidence, corroborated: corroborated === "1" };
}

// The request's `evidence` field: undefined for the default (every report), so a default page asks
// exactly what it asked before filters existed (and the service takes its cached path).
export function evidenceRequest(choice: EvidenceChoice): EvidenceFilter | undefined {
  if (choice.minConfidence === Confidence.UNSPECIFIED && !choice.corroborated) return undefined;
  return create(EvidenceFilterSchema, { minConfidence: choice.minConfidence, corroboratedOnly: choice.corroborated });
}

// "evidence: reported or better, corroborated only" — the filter an answer says it used, in
// talentflowctl's words (query::DescribeFilter); "evidence: every report" when it used none.
export function evidenceText(echo: EvidenceFilter | undefined): string {
  const parts: string[] = [];
  if (echo?.minConfidence === Confidence.REPORTED) parts.push("reported or better");
  if (echo?.minConfidence === Confidence.CONFIRMED) parts.push("confirmed");
  if (echo?.corroboratedOnly) parts.push("corroborated only");
  return `evidence: ${parts.length ? parts.join(", ") : "every report"}`;
}

// `href` with the page's filter parameters added, so following a link keeps the filter.
export function keepEvidence(href: string, choice: EvidenceChoice): string {
  const url = new URL(href, location.origin);
  const level = kLevels.find((l) => l.confidence === choice.minConfidence);
  if (level?.value) url.searchParams.set("min_confidence", level.value);
  if (choice.corroborated) url.searchParams.set("corroborated", "1");
  return url.pathname + url.search;
}

// The filter's controls: a "minimum confidence" select and a "corroborated only" checkbox, which
// move the URL (the page reloads its figures under the new filter), and the echoed filter's words.
export function evidenceControls(choice: EvidenceChoice, echo: EvidenceFilter | undefined): HTMLElement {
  const select = h("select", { "data-testid": "min-confidence" },
    kLevels.map((l) => h("option", { value: l.value, selected: l.confidence === choice.minConfidence }, l.label)));
  const box = h("input", { type: "checkbox", "data-testid": "corroborated", checked: choice.corroborated });
  const go = () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set("min_confidence", select.value);
    else url.searchParams.delete("min_confidence");
    if (box.checked) url.searchParams.set("corroborated", "1");
    else url.searchParams.delete("corroborated");
    navigate(url.pathname + url.search);
  };
  select.addEventListener("change", go);
  box.addEventListener("change", go);
  return h("span", { class: "evidence" },
    h("label", {}, "minimum confidence", select),
    h("label", {}, box, "corroborated only"),
    h("span", { class: "tag", "data-testid": "evidence-echo" }, evidenceText(echo)));
}
