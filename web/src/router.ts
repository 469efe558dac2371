// The client-side router: paths to pages with the history API. Links inside the page navigate
// without a reload; each page gets an AbortSignal that fires when the user leaves it (streams and
// charts stop with it). The query service answers every unknown path with index.html, so a deep
// link (/orgs/openai/teams/sora) or a reload lands here.
import { h } from "./dom";
import { describeError, needsToken, storeToken, storedToken } from "./api";

export interface PageContext {
  root: HTMLElement;            // the page's container, empty at the start
  params: string[];             // the path's captured parts, decoded
  query: URLSearchParams;
  signal: AbortSignal;          // aborted when the user navigates away
  setCrumbs(...parts: (Node | string)[]): void;
}

export type Page = (ctx: PageContext) => Promise<void>;

interface Route { pattern: RegExp; page: Page; }

const routes: Route[] = [];
let current: AbortController | undefined;

export function route(pattern: RegExp, page: Page): void {
  routes.push({ pattern, page });
}

// Goes to `url` (a path with its query); `replace` keeps the history entry (e.g. a date control).
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  void render();
}

// A link to a page of the dashboard.
export function link(href: string, text: string, testid?: string): HTMLAnchorElement {
  return h("a", { href, "data-testid": testid }, text);
}

export async function render(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const root = document.getElementById("app")!;
  const crumbs = document.getElementById("crumbs")!;
  root.replaceChildren();
  crumbs.replaceChildren();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  for (const { pattern, page } of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    const ctx: PageContext = {
      root,
      params: match.slice(1).map((p) => decodeURIComponent(p)),
      query: new URLSearchParams(location.search),
      signal: controller.signal,
      setCrumbs: (...parts) => crumbs.replaceChildren(...parts.flatMap((p, i) => (i ? [" / ", p] : [p]))),
    };
    try {
      await page(ctx);
    } catch (error) {
      if (controller.signal.aborted) return;
      showError(root, error);
    }
    return;
  }
  root.replaceChildren(h("h1", {}, "Not found"),
    h("p", {}, `No page at ${path}. `, link("/", "See the orgs.")));
}

// An error in the service's words; when the service wants a token, a field to give it (kept in this
// browser's localStorage and sent as `Authorization: Bearer …`).
function showError(root: HTMLElement, error: unknown): void {
  root.replaceChildren(h("div", { class: "error", "data-testid": "error" }, describeError(error)));
  if (!needsToken(error)) return;
  const input = h("input", { type: "password", placeholder: "bearer token", "data-testid": "token-input", value: storedToken() });
  const form = h("form", { class: "toolbar card", "data-testid": "token-form" },
    h("label", {}, "The query service needs a token:", input),
    h("button", { type: "submit" }, "Use token"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    storeToken(input.value.trim());
    void render();
  });
  root.append(form);
}

export function start(): void {
  document.addEventListener("click", (e) => {
    const a = (e.target as Element | null)?.closest("a");
    if (!a || a.hasAttribute("download") || a.target || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => void render());
  void render();
}
