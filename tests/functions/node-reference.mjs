#!/usr/bin/env node
// Node reference harness: runs the bundled corpus (from bundle.mjs) in Node/V8
// against a small in-memory implementation of the `Convex` global, calling
// functions exactly the way the backend does (`fn.invokeQuery(argsJson)`).
//
//   node node-reference.mjs <outDir>            smoke run, one JSON line per call
//   node node-reference.mjs <outDir> analyze    push-time analysis of every module (JSON)
//   node node-reference.mjs <outDir> bench      one JSON line: {getUs, take10Us, insertUs, coldLoadMs, ...}
//
// The store is deliberately simple: no transactions / rollback, no schema
// validation, no limits. It supports the syscalls that `messages:send`,
// `messages:get`, `messages:list` (and a few neighbours) need:
//   sync : 1.0/queryStream, 1.0/queryCleanup, 1.0/db/normalizeId, 1.0/getSnapshotTs
//   async: 1.0/get, 1.0/insert, 1.0/shallowMerge, 1.0/replace, 1.0/remove,
//          1.0/queryStreamNext, 1.0/count, 1.0/getUserIdentity, 1.0/getFunctionMetadata
// Sources: FullTableScan and IndexRange (Eq/Gt/Gte/Lt/Lte over the schema's
// indexes plus by_creation_time / by_id), order asc/desc; operators: limit and
// filter. Anything else rejects with "Unknown async operation <op>" / throws.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

// ------------------------------------------------------------------ values

function typeRank(v) {
  if (v === undefined) return 0;
  if (v === null) return 1;
  switch (typeof v) {
    case "number":
      return 3;
    case "boolean":
      return 4;
    case "string":
      return 5;
  }
  if (Array.isArray(v)) return 7;
  if ("$integer" in v) return 2;
  if ("$float" in v) return 3;
  if ("$bytes" in v) return 6;
  if ("$undefined" in v) return 0;
  return 8;
}

function decodeInt(v) {
  return Buffer.from(v.$integer, "base64").readBigInt64LE(0);
}
function decodeFloat(v) {
  return typeof v === "number" ? v : Buffer.from(v.$float, "base64").readDoubleLE(0);
}
const SURROGATE = /[\uD800-\uDFFF]/;
function compareStrings(a, b) {
  if (a === b) return 0;
  // JS `<` (UTF-16 units) equals UTF-8 byte order unless surrogates are involved.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
function compareFloats(a, b) {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a === 0 && Object.is(a, -0) !== Object.is(b, -0)) return Object.is(a, -0) ? -1 : 1;
    return 0;
  }
  // NaN involved: NaN sorts after everything here (approximation of total order).
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
}

/** Total order of Convex values in Convex-JSON form (compat doc §2.7, approximated for floats). */
function compareValues(a, b) {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
    case 1:
      return 0;
    case 2: {
      const x = decodeInt(a);
      const y = decodeInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return compareFloats(decodeFloat(a), decodeFloat(b));
    case 4:
      return a === b ? 0 : a ? 1 : -1;
    case 5:
      return compareStrings(a, b);
    case 6:
      return Buffer.compare(Buffer.from(a.$bytes, "base64"), Buffer.from(b.$bytes, "base64"));
    case 7: {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = compareValues(a[i], b[i]);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
    default: {
      const ka = Object.keys(a).sort(compareStrings);
      const kb = Object.keys(b).sort(compareStrings);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        let c = compareStrings(ka[i], kb[i]);
        if (c !== 0) return c;
        c = compareValues(a[ka[i]], b[kb[i]]);
        if (c !== 0) return c;
      }
      return ka.length - kb.length;
    }
  }
}

function getField(doc, fieldPath) {
  let cur = doc;
  for (const part of fieldPath.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !(part in cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function encodeInt64(n) {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return { $integer: b.toString("base64") };
}

// ------------------------------------------------------------------ store

class DeveloperError extends Error {}

/** Compares a key with a bound that is a prefix (or equal length) of it. */
function comparePrefix(key, bound) {
  for (let i = 0; i < bound.length; i++) {
    const c = compareValues(key[i], bound[i]);
    if (c !== 0) return c;
  }
  return 0;
}

class Index {
  constructor(fields) {
    this.fields = fields; // index fields, then _creationTime and _id are appended
    this.entries = []; // sorted [{key, id}]
  }
  keyOf(doc) {
    const key = this.fields.map((f) => getField(doc, f));
    if (this.fields[this.fields.length - 1] !== "_id") key.push(doc._creationTime, doc._id);
    return key;
  }
  lowerBound(pred) {
    // first position where pred(entry) is true; pred must be monotone false..true
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.entries[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  add(doc) {
    const key = this.keyOf(doc);
    const at = this.lowerBound((e) => compareValues(e.key, key) > 0);
    this.entries.splice(at, 0, { key, id: doc._id });
  }
  delete(doc) {
    const key = this.keyOf(doc);
    const at = this.lowerBound((e) => compareValues(e.key, key) >= 0);
    if (this.entries[at]?.id === doc._id) this.entries.splice(at, 1);
  }
  /** ids in [lower, upper] per the serialized range expressions. */
  range(rangeExprs, order) {
    const eq = [];
    let lower = null;
    let upper = null;
    let i = 0;
    for (const r of rangeExprs) {
      const field = this.fields[i];
      if (r.fieldPath !== field) {
        throw new DeveloperError(`Index range field "${r.fieldPath}" does not follow the index fields (${this.fields})`);
      }
      if (r.type === "Eq") {
        if (lower || upper) throw new DeveloperError("Eq after a range bound");
        eq.push(r.value);
        i++;
      } else if (r.type === "Gt" || r.type === "Gte") {
        lower = { value: r.value, inclusive: r.type === "Gte" };
      } else if (r.type === "Lt" || r.type === "Lte") {
        upper = { value: r.value, inclusive: r.type === "Lte" };
      } else {
        throw new DeveloperError(`Unknown range type ${r.type}`);
      }
    }
    const norm = (v) => (v !== null && typeof v === "object" && "$undefined" in v ? undefined : v);
    const lo = lower ? [...eq, lower.value].map(norm) : eq.map(norm);
    const hi = upper ? [...eq, upper.value].map(norm) : eq.map(norm);
    const loIncl = lower ? lower.inclusive : true;
    const hiIncl = upper ? upper.inclusive : true;
    const start = this.lowerBound((e) => {
      const c = comparePrefix(e.key, lo);
      return loIncl ? c >= 0 : c > 0;
    });
    const end = this.lowerBound((e) => {
      const c = comparePrefix(e.key, hi);
      return hiIncl ? c > 0 : c >= 0;
    });
    const ids = [];
    if (order === "desc") for (let j = end - 1; j >= start; j--) ids.push(this.entries[j].id);
    else for (let j = start; j < end; j++) ids.push(this.entries[j].id);
    return ids;
  }
}

class Table {
  constructor(name, schemaIndexes) {
    this.name = name;
    this.docs = new Map();
    this.indexes = new Map([
      ["by_creation_time", new Index(["_creationTime"])],
      ["by_id", new Index(["_id"])],
    ]);
    for (const ix of schemaIndexes ?? []) this.indexes.set(ix.indexDescriptor, new Index(ix.fields));
  }
  put(doc) {
    this.docs.set(doc._id, doc);
    for (const ix of this.indexes.values()) ix.add(doc);
  }
  drop(doc) {
    this.docs.delete(doc._id);
    for (const ix of this.indexes.values()) ix.delete(doc);
  }
}

function evalExpr(e, doc) {
  const [op] = Object.keys(e);
  const arg = e[op];
  const bin = () => [evalExpr(arg[0], doc), evalExpr(arg[1], doc)];
  const num = (x) => (typeof x === "object" && x !== null && "$integer" in x ? decodeInt(x) : x);
  switch (op) {
    case "$field":
      return getField(doc, arg);
    case "$literal":
      return arg !== null && typeof arg === "object" && "$undefined" in arg ? undefined : arg;
    case "$eq":
      return compareValues(...bin()) === 0;
    case "$neq":
      return compareValues(...bin()) !== 0;
    case "$lt":
      return compareValues(...bin()) < 0;
    case "$lte":
      return compareValues(...bin()) <= 0;
    case "$gt":
      return compareValues(...bin()) > 0;
    case "$gte":
      return compareValues(...bin()) >= 0;
    case "$and":
      return arg.every((x) => evalExpr(x, doc) === true);
    case "$or":
      return arg.some((x) => evalExpr(x, doc) === true);
    case "$not":
      return !evalExpr(arg, doc);
    case "$neg": {
      const x = num(evalExpr(arg, doc));
      return typeof x === "bigint" ? encodeInt64(-x) : -x;
    }
    case "$add":
    case "$sub":
    case "$mul":
    case "$div":
    case "$mod": {
      const [a, b] = bin().map(num);
      if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "bigint")) {
        throw new DeveloperError(`${op} needs two Int64s or two Float64s`);
      }
      const r =
        op === "$add" ? a + b : op === "$sub" ? a - b : op === "$mul" ? a * b : op === "$div" ? a / b : a % b;
      return typeof r === "bigint" ? encodeInt64(r) : r;
    }
    default:
      throw new DeveloperError(`Unsupported filter expression ${op}`);
  }
}

export class MemoryConvex {
  constructor(schemaJson) {
    this.schemaTables = new Map((schemaJson?.tables ?? []).map((t) => [t.tableName, t.indexes]));
    this.tables = new Map();
    this.idToTable = new Map();
    this.nextId = 1;
    this.clock = 1_700_000_000_000;
    this.queries = new Map();
    this.nextQueryId = 0;
    this.snapshotTs = 1n;
    this.identity = null;
    this.currentFunction = "";
    this.trace = null; // set to an array to record syscalls
  }
  table(name, create) {
    let t = this.tables.get(name);
    if (!t && create) {
      t = new Table(name, this.schemaTables.get(name));
      this.tables.set(name, t);
    }
    return t;
  }
  docById(id, expectedTable) {
    const tableName = this.idToTable.get(id);
    if (tableName === undefined) return null;
    if (expectedTable !== undefined && expectedTable !== tableName) {
      throw new DeveloperError(`Invalid argument \`id\`: ID from table "${tableName}" does not match table "${expectedTable}"`);
    }
    return this.tables.get(tableName)?.docs.get(id) ?? null;
  }
  newId(table) {
    // Any unique string will do for the reference harness.
    const id = `${table}_${(this.nextId++).toString(36).padStart(6, "0")}`;
    this.idToTable.set(id, table);
    return id;
  }
  // ---- sync
  syscall(op, argsJson) {
    const args = JSON.parse(argsJson);
    this.trace?.push(["sync", op, args]);
    switch (op) {
      case "1.0/queryStream": {
        this.compile(args.query);
        const queryId = this.nextQueryId++;
        this.queries.set(queryId, { query: args.query, results: null, pos: 0 });
        return JSON.stringify({ queryId });
      }
      case "1.0/queryCleanup":
        return JSON.stringify(this.queries.delete(args.queryId));
      case "1.0/db/normalizeId": {
        const table = this.idToTable.get(args.idString);
        return JSON.stringify({ id: table === args.table ? args.idString : null });
      }
      case "1.0/getSnapshotTs":
        return JSON.stringify(encodeInt64(this.snapshotTs));
      default:
        throw new Error(`Unknown operation ${op}`);
    }
  }
  // ---- async
  asyncSyscall(op, argsJson) {
    try {
      const args = JSON.parse(argsJson);
      this.trace?.push(["async", op, args]);
      return Promise.resolve(JSON.stringify(this.runAsync(op, args)));
    } catch (e) {
      return Promise.reject({ message: e.message });
    }
  }
  jsSyscall(op) {
    throw new Error(`Unknown JS syscall ${op}`);
  }
  runAsync(op, args) {
    switch (op) {
      case "1.0/get":
        return this.docById(args.id, args.table);
      case "1.0/insert": {
        if (args.table.startsWith("_")) throw new DeveloperError("System tables (prefixed with `_`) are read-only.");
        const t = this.table(args.table, true);
        const doc = { ...args.value, _id: this.newId(args.table), _creationTime: this.clock++ };
        t.put(doc);
        this.snapshotTs++;
        return { _id: doc._id };
      }
      case "1.0/shallowMerge":
      case "1.0/replace": {
        const old = this.docById(args.id, args.table);
        if (!old) throw new DeveloperError(`Update on nonexistent document ID ${args.id}`);
        const t = this.tables.get(this.idToTable.get(args.id));
        const next = op === "1.0/replace" ? { ...args.value } : { ...old, ...args.value };
        for (const [k, v] of Object.entries(next)) {
          if (v !== null && typeof v === "object" && "$undefined" in v) delete next[k];
        }
        next._id = old._id;
        next._creationTime = old._creationTime;
        t.drop(old);
        t.put(next);
        this.snapshotTs++;
        return next;
      }
      case "1.0/remove": {
        const old = this.docById(args.id, args.table);
        if (!old) throw new DeveloperError(`Delete on nonexistent document ID ${args.id}`);
        this.tables.get(this.idToTable.get(args.id)).drop(old);
        this.snapshotTs++;
        return old;
      }
      case "1.0/queryStreamNext": {
        const q = this.queries.get(args.queryId);
        if (!q) throw new DeveloperError(`Query ${args.queryId} not found`);
        if (q.results === null) q.results = this.execute(q.query);
        if (q.pos >= q.results.length) {
          this.queries.delete(args.queryId);
          return { value: null, done: true };
        }
        return { value: q.results[q.pos++], done: false };
      }
      case "1.0/count":
        return this.tables.get(args.table)?.docs.size ?? 0;
      case "1.0/getUserIdentity":
        return this.identity;
      case "1.0/getFunctionMetadata":
        return { name: this.currentFunction, componentPath: "" };
      default:
        throw new Error(`Unknown async operation ${op}`);
    }
  }
  compile(query) {
    const src = query.source;
    if (src.type === "IndexRange") {
      const [tableName, indexName] = src.indexName.split(".");
      const t = this.table(tableName, false);
      const known = t ? t.indexes.has(indexName) : this.schemaTables.get(tableName)?.some((i) => i.indexDescriptor === indexName) || ["by_creation_time", "by_id"].includes(indexName);
      if (!known) throw new DeveloperError(`Index ${src.indexName} not found.`);
    } else if (src.type !== "FullTableScan") {
      throw new DeveloperError(`Unsupported query source ${src.type} in the reference harness`);
    }
  }
  execute(query) {
    const src = query.source;
    let ids;
    if (src.type === "FullTableScan") {
      const t = this.tables.get(src.tableName);
      ids = t ? t.indexes.get("by_creation_time").range([], src.order) : [];
      ids = ids.map((id) => [src.tableName, id]);
    } else {
      const [tableName, indexName] = src.indexName.split(".");
      const t = this.tables.get(tableName);
      ids = t ? t.indexes.get(indexName).range(src.range, src.order).map((id) => [tableName, id]) : [];
    }
    let docs = ids.map(([table, id]) => this.tables.get(table).docs.get(id));
    for (const operator of query.operators) {
      if ("limit" in operator) docs = docs.slice(0, operator.limit);
      else if ("filter" in operator) docs = docs.filter((d) => evalExpr(operator.filter, d) === true);
      else throw new DeveloperError(`Unknown operator ${JSON.stringify(operator)}`);
    }
    return docs;
  }
}

// ------------------------------------------------------------------ loading

function readManifest(outDir) {
  const file = path.join(outDir, "manifest.json");
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

const tempDirs = [];
process.on("exit", () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Writes the manifest's modules to a fresh directory (so Node's module cache is cold) and imports them. */
async function loadFresh(manifest) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "convex-ref-"));
  tempDirs.push(dir);
  for (const m of manifest.modules) {
    const file = path.join(dir, "modules", m.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, m.source);
  }
  if (manifest.schema) fs.writeFileSync(path.join(dir, "schema.js"), manifest.schema.source);
  const entries = manifest.modules.filter((m) => !m.path.startsWith("_deps/"));
  const t0 = performance.now();
  const namespaces = {};
  for (const m of entries) {
    namespaces[m.path] = await import(pathToFileURL(path.join(dir, "modules", m.path)).href);
  }
  const loadMs = performance.now() - t0;
  let schemaJson = null;
  if (manifest.schema) {
    const schemaNs = await import(pathToFileURL(path.join(dir, "schema.js")).href);
    schemaJson = JSON.parse(schemaNs.default.export());
  }
  return { namespaces, schemaJson, loadMs };
}

/** Push-time analysis (compat doc §5.4) of one module namespace. */
function analyzeModule(ns) {
  const functions = [];
  for (const [name, value] of Object.entries(ns)) {
    if (typeof value !== "function" && (typeof value !== "object" || value === null)) continue;
    const kinds = ["isQuery", "isMutation", "isAction"].filter((k) => value[k] === true);
    if (kinds.length !== 1) continue;
    functions.push({
      name,
      udfType: { isQuery: "Query", isMutation: "Mutation", isAction: "Action" }[kinds[0]],
      visibility: value.isPublic ? { kind: "public" } : value.isInternal ? { kind: "internal" } : null,
      args: typeof value.exportArgs === "function" ? value.exportArgs() : null,
      returns: typeof value.exportReturns === "function" ? value.exportReturns() : null,
    });
  }
  return functions;
}

function makeRunner(namespaces, store) {
  return async function run(udfPath, args = {}) {
    const [modulePath, exportName = "default"] = udfPath.split(":");
    const fn = namespaces[`${modulePath}.js`]?.[exportName];
    if (!fn) throw new Error(`Could not find function ${udfPath}`);
    store.currentFunction = udfPath;
    const argsJson = JSON.stringify([args]);
    let resultJson;
    if (fn.isQuery) resultJson = await fn.invokeQuery(argsJson);
    else if (fn.isMutation) resultJson = await fn.invokeMutation(argsJson);
    else if (fn.isAction) resultJson = await fn.invokeAction("req-0", argsJson);
    else throw new Error(`${udfPath} is not a Convex function`);
    return JSON.parse(resultJson);
  };
}

function installConvexGlobal(store) {
  globalThis.Convex = {
    syscall: (op, a) => store.syscall(op, a),
    asyncSyscall: (op, a) => store.asyncSyscall(op, a),
    jsSyscall: (op, a) => store.jsSyscall(op, a),
  };
}

// ------------------------------------------------------------------ modes

async function smoke(manifest) {
  const { namespaces, schemaJson } = await loadFresh(manifest);
  const store = new MemoryConvex(schemaJson);
  installConvexGlobal(store);
  const run = makeRunner(namespaces, store);
  const out = (call, result) => console.log(JSON.stringify({ call, result }));
  const tryRun = async (udfPath, args) => {
    try {
      out(udfPath, await run(udfPath, args));
    } catch (e) {
      out(udfPath, {
        error: e instanceof Error ? `${e.name}: ${e.message}` : typeof e?.message === "string" ? e.message : String(e),
        data: e?.data,
      });
    }
  };

  const ids = [];
  for (const [author, channel, body, likes] of [
    ["alice", "a", "hello", 3],
    ["bob", "a", "hi alice", undefined],
    ["alice", "b", "over here", 10],
    ["bot", "a", "beep", 100],
    ["carol", "c", "third channel", 1],
  ]) {
    const id = await run("messages:send", { author, channel, body, ...(likes === undefined ? {} : { likes }) });
    ids.push(id);
    out("messages:send", id);
  }
  await tryRun("messages:get", { id: ids[0] });
  await tryRun("messages:list", { channel: "a", n: 2 });
  await tryRun("messages:list", { channel: "a" });
  await tryRun("messages:listAll", {});
  await tryRun("messages:first", { channel: "b" });
  await tryRun("messages:unique", { author: "alice", channel: "a" });
  await tryRun("messages:filtered", { minScore: 5 });
  await tryRun("messages:byAuthorRange", { author: "alice", after: "a", before: "c" });
  await tryRun("messages:count", { channel: "a" });
  await tryRun("messages:countTable", {});
  await tryRun("messages:normalize", { table: "messages", id: ids[1] });
  await tryRun("messages:normalize", { table: "counters", id: ids[1] });
  await tryRun("messages:update", { id: ids[1], likes: 7 });
  await tryRun("messages:clearLikes", { id: ids[1] });
  await tryRun("messages:replace", { id: ids[4], author: "carol", body: "replaced", channel: "c" });
  await tryRun("messages:remove", { id: ids[4] });
  await tryRun("messages:increment", { name: "hits" });
  await tryRun("messages:increment", { name: "hits", by: encodeInt64(41) });
  await tryRun("messages:whoami", {});
  await tryRun("messages:snapshotTs", {});
  await tryRun("messages:functionMetadata", {});
  await tryRun("messages:returnsValidated", {});
  await tryRun("messages:returnsWrongType", {});
  await tryRun("messages:throwsConvexError", {});
  await tryRun("messages:throwsPlain", {});
  await tryRun("messages:throwsString", {});
  await tryRun("messages:bigintsAndBytes", { big: encodeInt64(42), bytes: { $bytes: "AQID" } });
  await tryRun("messages:specialFloats", {});
  await tryRun("messages:dateAndRandom", {});
  await tryRun("messages:webApis", {});
  await tryRun("messages:page", { paginationOpts: { numItems: 2, cursor: null } }); // not supported here
  await tryRun("crossModule:formatted", { channel: "a" });
  await tryRun("hostile:writeInQuery", {});
  await tryRun("hostile:insertSystemTable", {});
  await tryRun("hostile:insertSystemTableRaw", {});
  await tryRun("hostile:returnsFunction", {});
  await tryRun("hostile:returnsClassInstance", {});
  await tryRun("hostile:returnsUndefinedInArray", {});
  await tryRun("hostile:returnsQuery", {});
}

async function analyze(manifest) {
  const { namespaces, schemaJson } = await loadFresh(manifest);
  const modules = Object.entries(namespaces).map(([p, ns]) => ({ path: p, functions: analyzeModule(ns) }));
  console.log(JSON.stringify({ modules, schema: schemaJson }, null, 1));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median over `rounds` of the mean per-call time of `batch` sequential calls, in microseconds. */
async function measure(fn, { rounds = 15, batch = 200, warmup = 500 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const perCall = [];
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn(k++);
    perCall.push(((performance.now() - t0) * 1000) / batch);
  }
  return Math.round(median(perCall) * 100) / 100;
}

async function bench(manifest) {
  // Cold load: the first import in this process, from a fresh directory.
  const first = await loadFresh(manifest);
  const coldLoadMs = first.loadMs;
  // Re-import into fresh directories (new module URLs, so no module cache hits).
  const reloads = [];
  for (let i = 0; i < 5; i++) reloads.push((await loadFresh(manifest)).loadMs);

  const { namespaces, schemaJson } = first;
  const store = new MemoryConvex(schemaJson);
  installConvexGlobal(store);
  const run = makeRunner(namespaces, store);

  const channels = ["general", "random", "dev", "ops", "sales"];
  const ids = [];
  for (let i = 0; i < 100; i++) {
    ids.push(
      await run("messages:send", {
        author: `user${i % 7}`,
        body: `message number ${i}`,
        channel: channels[i % channels.length],
        likes: i % 5,
      }),
    );
  }
  // Sanity: the calls we time must return what we expect.
  const sample = await run("messages:get", { id: ids[3] });
  const top = await run("messages:list", { channel: "general", n: 10 });
  if (sample?._id !== ids[3] || top.length !== 10) throw new Error("benchmark sanity check failed");

  const getUs = await measure((i) => run("messages:get", { id: ids[i % ids.length] }));
  const take10Us = await measure((i) => run("messages:list", { channel: channels[i % channels.length], n: 10 }));
  // Inserts go to a channel that `list` never reads, after the list benchmark.
  const insertUs = await measure((i) => run("messages:send", { author: "bench", body: `insert ${i}`, channel: "bench" }));

  console.log(
    JSON.stringify({
      getUs,
      take10Us,
      insertUs,
      coldLoadMs: Math.round(coldLoadMs * 100) / 100,
      reloadMs: Math.round(median(reloads) * 100) / 100,
      seeded: ids.length,
      node: process.version,
    }),
  );
}

async function main() {
  const [outDir, mode = "smoke"] = process.argv.slice(2);
  if (!outDir) {
    console.error("usage: node node-reference.mjs <outDir> [smoke|analyze|bench]");
    process.exit(2);
  }
  const manifest = readManifest(path.resolve(outDir));
  if (mode === "smoke") await smoke(manifest);
  else if (mode === "analyze") await analyze(manifest);
  else if (mode === "bench") await bench(manifest);
  else throw new Error(`unknown mode ${mode}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
