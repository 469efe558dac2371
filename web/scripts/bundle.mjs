// Bundles src/main.ts (and everything it imports: the generated clients, ECharts' tree-shaken parts)
// into one minified script, and copies index.html and style.css beside it, into build/web/ of the
// clone — the folder the query service serves by default (`talentflow-query serve --web DIR`).
// Nothing is loaded from a CDN at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.env.TALENTFLOW_WEB_OUT ?? join(web, "..", "build", "web");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(web, "src", "main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: "es2022",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});
for (const file of ["index.html", "style.css"]) copyFileSync(join(web, "static", file), join(out, file));
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`bundled into ${out}: app.js ${(bytes / 1024).toFixed(0)} KiB (minified)`);
