// A few DOM helpers so pages read as markup: h("td", { class: "num" }, "42").
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

// Makes an element with attributes (on* keys become listeners; false/undefined are left out) and children.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[] | Child[][])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(2)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// A status badge: the score on its status colour, and the status in words.
export function scoreBadge(score: number | null, status: string, testid?: string): HTMLElement {
  return h("span", { "data-testid": testid, "data-status": status },
    h("span", { class: `badge status-${status}`, "data-testid": testid && `${testid}-score` }, score ?? "–"),
    h("span", { class: "status-label", "data-testid": testid && `${testid}-status` }, status.replace("_", " ")));
}

export function figure(label: string, value: string | number, testid: string): HTMLElement {
  return h("div", { class: "figure card", "data-testid": testid },
    h("div", { class: "value" }, value), h("div", { class: "label" }, label));
}

// A date control (YYYY-MM-DD) that calls `onChange` with the new day, or "" when cleared.
export function dateInput(label: string, value: string, testid: string, onChange: (day: string) => void): HTMLElement {
  const input = h("input", { type: "date", value, "data-testid": testid });
  input.addEventListener("change", () => onChange(input.value));
  return h("label", {}, label, input);
}

// The watermark line every page ends with.
// Appends the children that are not null/undefined/false (optional parts of a page).
export function appendAll(parent: HTMLElement, ...children: Child[]): void {
  for (const child of children) if (child !== null && child !== undefined && child !== false) parent.append(child instanceof Node ? child : String(child));
}

export function watermarkLine(text: string): HTMLElement {
  return h("p", { class: "watermark", "data-testid": "watermark" }, text);
}
