// Builds src/evalrules/studio/static/editor.js: editor.js and the CodeMirror packages it imports as
// one minified IIFE. Its first line names the sha256 of the sources (editor.js, package-lock.json,
// build.mjs, in that order, concatenated), so tests/test_studio_editor.py can tell a bundle that
// was not rebuilt after they changed. The licences of every bundled package (all MIT) are
// appended as a comment at its end. Run: npm ci && npm run build (from this directory).
import {createHash} from "node:crypto";
import {readFileSync, writeFileSync, existsSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "src", "evalrules", "studio", "static", "editor.js");

const hash = createHash("sha256");
for (const name of ["editor.js", "package-lock.json", "build.mjs"]) {
  hash.update(readFileSync(join(here, name)));
}
const sources = hash.digest("hex");

const result = await esbuild.build({
  entryPoints: [join(here, "editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  charset: "utf8",
  legalComments: "none",  // CodeMirror's have none; its licences are appended below instead
  metafile: true,
  write: false,
});

// The packages whose code is in the bundle, each with its licence file.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt"].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new Error(`${name} has no LICENSE file: add its licence by hand`);
  const text = readFileSync(file, "utf8").replaceAll("*/", "* /").trim();
  return `${name} ${meta.version} (${meta.license})\n\n${text}`;
});

const code = result.outputFiles[0].text.trim();
const banner = `/* evalrules studio editor · sources sha256:${sources} · CodeMirror 6 (MIT) */`;
const licences = `/*\nBundled packages and their licences:\n\n${notices.join("\n\n---\n\n")}\n*/`;
writeFileSync(out, `${banner}\n${code}\n${licences}\n`);
console.log(`${out}: ${Buffer.byteLength(code)} bytes of code, ${packages.size} packages`);
