#!/usr/bin/env node
// Bundles the corpus in ./convex the way `npx convex deploy` (convex 1.48.0)
// does, without pushing anything.
//
//   node bundle.mjs <outDir>
//
// Writes:
//   <outDir>/modules/<path>.js (+ .js.map)   function modules and _deps/ chunks
//   <outDir>/schema.js (+ .js.map)           the schema, bundled on its own
//   <outDir>/manifest.json                   everything above, sources inline
//
// The esbuild options mirror the CLI's bundler (innerEsbuild in the convex
// npm package): bundle, esm, platform browser, target esnext, splitting with
// chunks in `_deps/[hash]`, conditions ["convex","module"], minifySyntax +
// minifyIdentifiers (not whitespace), keepNames, treeShaking,
// process.env.NODE_ENV = "production", jsx automatic, source maps without
// sourcesContent, outbase = the functions directory. Entry points are chosen
// with the same rules as the CLI's `entryPoints()`.
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FUNCTIONS_DIR = path.join(HERE, "convex");
// esbuild resolves `outdir` against the working directory; the CLI uses the
// literal "out" and never writes it (write: false). Pinning absWorkingDir
// keeps source-map `sources` identical whatever directory we are run from.
const VIRTUAL_OUTDIR = "out";
const CHUNKS_FOLDER = "_deps";

const ENTRY_POINT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];

function usage() {
  console.error("usage: node bundle.mjs <outDir>");
  process.exit(2);
}

// Same ordering as the CLI's consistentPathSort: UTF-16 code units, then length.
function consistentPathSort(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
  }
  return a.length - b.length;
}

function* walkDir(dir) {
  const names = fs.readdirSync(dir).sort(consistentPathSort);
  for (const name of names) {
    const full = path.join(dir, name);
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      // The CLI skips nested component directories.
      if (fs.existsSync(path.join(full, "convex.config.ts"))) continue;
      yield* walkDir(full);
    } else if (st.isFile()) {
      yield full;
    }
  }
}

/** The CLI's entry-point rules (convex/dist/esm/bundler/index.js `entryPoints`). */
function findEntryPoints(dir) {
  const entries = [];
  for (const fpath of walkDir(dir)) {
    const relPath = path.relative(dir, fpath);
    const base = path.basename(fpath);
    if (relPath.startsWith(CHUNKS_FOLDER + path.sep)) {
      throw new Error(`${fpath} is inside the reserved "${CHUNKS_FOLDER}" directory`);
    }
    if (!ENTRY_POINT_EXTENSIONS.some((ext) => relPath.endsWith(ext))) continue;
    if (relPath.startsWith("_generated" + path.sep)) continue;
    if (base.startsWith(".") || base.startsWith("#")) continue;
    if (base === "schema.ts" || base === "schema.js") continue;
    if ((base.match(/\./g) || []).length > 1) continue; // e.g. auth.config.ts, foo.test.ts
    if (relPath.includes(" ")) continue;
    if (fpath.endsWith(".ts") || fpath.endsWith(".tsx")) {
      const contents = fs.readFileSync(fpath, "utf8");
      if (!/^\s{0,100}(import|export)/m.test(contents)) continue;
    }
    entries.push(fpath);
  }
  return entries;
}

function hasUseNodeDirective(fpath) {
  const source = fs.readFileSync(fpath, "utf8");
  return source.split("\n").some((line) => /^\s*("|')use node("|');?\s*$/.test(line));
}

// The CLI's plugins that matter for the isolate runtime.
const asyncHooksShimPlugin = {
  name: "convex-async-hooks-shim",
  setup(build) {
    build.onResolve({ filter: /^(node:)?async_hooks$/ }, (args) => ({
      path: args.path,
      namespace: "async-hooks-shim",
    }));
    build.onLoad({ filter: /.*/, namespace: "async-hooks-shim" }, () => ({
      contents: `
            export const AsyncLocalStorage = globalThis.AsyncLocalStorage;
            export const AsyncResource = globalThis.AsyncResource;
            export default { AsyncLocalStorage, AsyncResource };
          `,
      loader: "js",
    }));
  },
};
const serverOnlyPlugin = {
  name: "convex-server-only",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, (args) => ({
      path: args.path,
      namespace: "server-only-stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "server-only-stub" }, () => ({
      contents: "",
      loader: "js",
    }));
  },
};

async function runEsbuild(entryPoints, { splitting = true } = {}) {
  const result = await esbuild.build({
    absWorkingDir: HERE,
    entryPoints,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "esnext",
    jsx: "automatic",
    outdir: VIRTUAL_OUTDIR,
    outbase: FUNCTIONS_DIR,
    conditions: ["convex", "module"],
    plugins: [asyncHooksShimPlugin, serverOnlyPlugin],
    write: false,
    sourcemap: true,
    sourcesContent: false,
    splitting,
    chunkNames: path.join(CHUNKS_FOLDER, "[hash]"),
    treeShaking: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    minifyWhitespace: false,
    keepNames: true,
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
    logLevel: "warning",
  });
  if (result.errors.length) {
    throw new Error(result.errors.map((e) => `esbuild error: ${e.text}`).join("\n"));
  }
  // Same post-processing as the CLI's bundle(): paths relative to "out",
  // posix separators, source maps attached to their module.
  const outRoot = path.resolve(HERE, VIRTUAL_OUTDIR);
  const maps = new Map();
  const modules = [];
  for (const file of result.outputFiles) {
    const rel = path.relative(outRoot, file.path).split(path.sep).join("/");
    if (rel.endsWith(".map")) maps.set(rel, file.text);
    else modules.push({ path: rel, source: file.text, environment: "isolate" });
  }
  for (const m of modules) {
    const map = maps.get(m.path + ".map");
    if (map !== undefined) m.sourceMap = map;
  }
  modules.sort((a, b) => consistentPathSort(a.path, b.path));
  return modules;
}

function writeFile(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

async function main() {
  const outArg = process.argv[2];
  if (!outArg) usage();
  const outDir = path.resolve(outArg);

  const entryPoints = findEntryPoints(FUNCTIONS_DIR);
  const nodeEntries = entryPoints.filter(hasUseNodeDirective);
  if (nodeEntries.length) {
    throw new Error(`"use node" modules are not supported by this bundler: ${nodeEntries.join(", ")}`);
  }
  const modules = await runEsbuild(entryPoints);

  // Schema: its own build, like the CLI's bundleSchema().
  let schemaEntry = path.join(FUNCTIONS_DIR, "schema.ts");
  if (!fs.existsSync(schemaEntry)) schemaEntry = path.join(FUNCTIONS_DIR, "schema.js");
  let schema = null;
  if (fs.existsSync(schemaEntry)) {
    const schemaModules = await runEsbuild([schemaEntry]);
    if (schemaModules.length !== 1) {
      throw new Error(`schema bundled into ${schemaModules.length} files, expected 1`);
    }
    schema = schemaModules[0];
  }

  // Replace previous output (only the files this script owns).
  fs.rmSync(path.join(outDir, "modules"), { recursive: true, force: true });
  for (const f of ["schema.js", "schema.js.map", "manifest.json"]) {
    fs.rmSync(path.join(outDir, f), { force: true });
  }
  for (const m of modules) {
    writeFile(path.join(outDir, "modules", m.path), m.source);
    if (m.sourceMap !== undefined) writeFile(path.join(outDir, "modules", m.path + ".map"), m.sourceMap);
  }
  if (schema) {
    writeFile(path.join(outDir, "schema.js"), schema.source);
    if (schema.sourceMap !== undefined) writeFile(path.join(outDir, "schema.js.map"), schema.sourceMap);
  }

  const manifest = {
    convexVersion: JSON.parse(
      fs.readFileSync(path.join(HERE, "node_modules", "convex", "package.json"), "utf8"),
    ).version,
    modules,
    schema,
  };
  writeFile(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");

  for (const m of modules) {
    const kind = m.path.startsWith(CHUNKS_FOLDER + "/") ? "chunk " : "module";
    console.log(`${kind} ${m.path} (${m.source.length} bytes)`);
  }
  if (schema) console.log(`schema ${schema.path} (${schema.source.length} bytes)`);
  console.log(`wrote ${path.join(outDir, "manifest.json")}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
