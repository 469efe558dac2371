// "/": every org the views know (ListOrgs), linking to its page and its flows.
import { query, watermarkText } from "../api";
import { csvButton } from "../csv";
import { h, watermarkLine } from "../dom";
import { link, type PageContext } from "../router";

export async function orgsPage(ctx: PageContext): Promise<void> {
  const answer = await query.listOrgs({}, { signal: ctx.signal });
  ctx.setCrumbs("orgs");
  const rows = answer.orgs.map((o) => h("tr", { "data-testid": "org-row", "data-org": o.org },
    h("td", {}, link(`/orgs/${encodeURIComponent(o.org)}`, o.org, "org-link")),
    h("td", { class: "num" }, o.teams.toString()),
    h("td", {}, link(`/orgs/${encodeURIComponent(o.org)}/flows`, "flows"))));
  ctx.root.append(
    h("h1", {}, "Organisations"),
    answer.orgs.length === 0
      ? h("p", { class: "muted", "data-testid": "empty" }, "The views hold no org yet: publish a feed (talentflowctl publish FILE).")
      : h("table", { "data-testid": "orgs-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "org"), h("th", { class: "num" }, "teams"), h("th", {}, "where people went"))),
          h("tbody", {}, rows)),
    h("div", { class: "toolbar" }, csvButton("orgs.csv", "csv-orgs", () => ({
      header: ["org", "teams"],
      rows: answer.orgs.map((o) => [o.org, o.teams]),
    }))),
    watermarkLine(watermarkText(answer.watermark)),
  );
}
