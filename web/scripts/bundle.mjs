// Bundles src/main.ts (and everything it imports: the generated clients, ECharts' tree-shaken parts)
// into one minified script, and copies index.html and style.css beside it, into build/web/ of the
// clone — the folder the query service serves by default (`talentflow-query serve --web DIR`).
// Nothing is loaded from a CDN at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.env.TALENTFLOW_WEB_OUT ?? join(web, "..", "build", "web");

// Built beside `out`, then each file renamed into it (an atomic replace): a query service serving the
// folder meanwhile (tests run up.sh, hence this script, while a browser test reads the page) never
// finds index.html or app.js missing.
const staging = `${out}.staging-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(web, "src", "main.ts")],
  outfile: join(staging, "app.js"),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: "es2022",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});
for (const file of ["index.html", "style.css"]) copyFileSync(join(web, "static", file), join(staging, file));
const built = readdirSync(staging);
for (const file of built) renameSync(join(staging, file), join(out, file));
for (const file of readdirSync(out)) {
  if (!built.includes(file)) rmSync(join(out, file), { recursive: true, force: true });
}
rmSync(staging, { recursive: true, force: true });
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`bundled into ${out}: app.js ${(bytes / 1024).toFixed(0)} KiB (minified)`);
