// The query service's client: talentflow.v1.QueryService over the Connect protocol (JSON) on the
// origin that served this page, with the bearer token the user gave (kept in localStorage), and the
// small helpers every page needs to read its answers (days, enum labels, the watermark line).
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { QueryService, type Watermark } from "./gen/talentflow/v1/query_pb";
import { HealthStatus } from "./gen/talentflow/v1/health_pb";

const kTokenKey = "talentflow.token";

export function storedToken(): string {
  return localStorage.getItem(kTokenKey) ?? "";
}

export function storeToken(token: string): void {
  if (token) localStorage.setItem(kTokenKey, token);
  else localStorage.removeItem(kTokenKey);
}

// Sends `Authorization: Bearer <token>` when the user gave one; the service checks it as on gRPC.
const bearer: Interceptor = (next) => async (req) => {
  const token = storedToken();
  if (token) req.header.set("Authorization", `Bearer ${token}`);
  return next(req);
};

export const query: Client<typeof QueryService> = createClient(
  QueryService,
  createConnectTransport({ baseUrl: location.origin, useBinaryFormat: false, interceptors: [bearer] }),
);

// True when the service refused the call for want of a (valid) token: the page then asks for one.
export function needsToken(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unauthenticated;
}

// "not_found: team openai/soraa not found; did you mean openai/sora?" — the service's own words.
export function describeError(error: unknown): string {
  const e = ConnectError.from(error);
  const code = (Code[e.code] ?? "Unknown").replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase());
  return `${code}: ${e.rawMessage}`;
}

// ---- days (UTC, YYYY-MM-DD, as the service reads as_of) ----

const kDay = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string | null | undefined): value is string {
  return !!value && kDay.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

// The Timestamp of a day's UTC midnight; undefined (the service's default) for no day.
export function dayTimestamp(day: string | undefined): Timestamp | undefined {
  return day ? timestampFromDate(new Date(`${day}T00:00:00Z`)) : undefined;
}

// The first day of the month `months` months before `day`'s month: the start of a monthly trend whose
// last period ends on `day` (months = 11 gives 12 points).
export function monthStartBefore(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1));
  return first.toISOString().slice(0, 10);
}

// ---- labels ----

// An enum value's name as a lower-case label: HealthStatus.AT_RISK -> "at_risk"; "" for UNSPECIFIED.
export function enumLabel(names: Record<number, string>, value: number): string {
  const name = names[value];
  return !name || name === "UNSPECIFIED" ? "" : name.toLowerCase();
}

export function statusLabel(status: HealthStatus): string {
  return enumLabel(HealthStatus, status) || "unknown";
}

// The score, or null for a team with nothing to score (HealthStatus.UNKNOWN: no headcount and no event
// in the year up to as_of; its score of 0 means nothing): a gap in a chart, "–" in a table.
export function scoreOrNull(score: number, status: HealthStatus): number | null {
  return status === HealthStatus.UNKNOWN ? null : score;
}

// "views include the log up to 2026-03-27 10:00:00 UTC (70 records in 12 partitions)": what a
// page's figures were computed from, from the response's watermark.
export function watermarkText(watermark: Watermark | undefined): string {
  if (!watermark) return "views: no watermark in the answer";
  let records = 0n;
  let lag = 0n;
  let lagKnown = true;
  for (const p of watermark.partitions) {
    records += p.appliedOffset;
    if (p.lag < 0n) lagKnown = false;
    else lag += p.lag;
  }
  const t = watermark.lastAppliedTime;
  const when = t
    ? new Date(Number(t.seconds) * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC"
    : "(nothing applied yet)";
  const parts = watermark.partitions.length;
  // The lag is known only when the service asked the broker for the log's end (GetWatermark does).
  return `views include the log up to ${when} (${records} records in ${parts} partition${parts === 1 ? "" : "s"}` +
    `${lagKnown && parts ? `, lag ${lag}` : ""})`;
}
