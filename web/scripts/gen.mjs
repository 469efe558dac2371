// Generates the TypeScript messages and service descriptors of proto/talentflow/v1 into src/gen/
// (not committed) with Debian's protoc and protoc-gen-es v2 from node_modules. v2 emits the
// service descriptors too, so @connectrpc/connect v2 needs no second plugin.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const protoRoot = join(web, "..", "proto");
const out = join(web, "src", "gen");
const files = readdirSync(join(protoRoot, "talentflow", "v1"))
  .filter((name) => name.endsWith(".proto"))
  .sort()
  .map((name) => `talentflow/v1/${name}`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `--plugin=protoc-gen-es=${join(web, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts",
    `-I${protoRoot}`,
    ...files,
  ],
  { stdio: "inherit" },
);
console.log(`generated ${files.length} files from proto/ into src/gen/`);
