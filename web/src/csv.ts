// CSV downloads of the tables on the page: RFC 4180 (a header row, fields with a comma, quote or
// line break quoted, quotes doubled, CRLF line ends), every value whole.
import { h } from "./dom";

export type Cell = string | number | bigint | boolean;

export function toCsv(header: string[], rows: Cell[][]): string {
  const field = (value: Cell): string => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

// A "Download CSV" link that builds the file when clicked, from the rows the table shows then.
export function csvButton(filename: string, testid: string, table: () => { header: string[]; rows: Cell[][] }): HTMLElement {
  const link = h("a", { class: "button", href: "#", download: filename, "data-testid": testid }, "Download CSV");
  link.addEventListener("click", () => {
    const { header, rows } = table();
    const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: "text/csv" }));
    link.setAttribute("href", url);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return link;
}
