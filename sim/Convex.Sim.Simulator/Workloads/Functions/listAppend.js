// The list-append transaction as a Convex mutation, written in plain JavaScript against the
// host's syscall interface (the same `Convex.syscall` / `Convex.asyncSyscall` calls and JSON
// shapes the official convex/server library makes). The simulator runs it through the function
// runner, so the serializability checker sees histories produced by JavaScript.
//
// Values stay in Convex's wire JSON: an int64 element arrives as {"$integer": "..."} and is
// stored as-is, so the module never needs to decode it.

const sys = (op, args) => JSON.parse(Convex.syscall(op, JSON.stringify(args)));
const call = async (op, args) => JSON.parse(await Convex.asyncSyscall(op, JSON.stringify(args)));

function mutation(handler) {
  return {
    isMutation: true,
    isPublic: true,
    exportArgs: () => '{"type":"any"}',
    exportReturns: () => "null",
    invokeMutation: async (argsJson) => JSON.stringify(await handler(JSON.parse(argsJson)[0])),
  };
}

function query(handler) {
  return {
    isQuery: true,
    isPublic: true,
    exportArgs: () => '{"type":"any"}',
    exportReturns: () => "null",
    invokeQuery: async (argsJson) => JSON.stringify(await handler(JSON.parse(argsJson)[0])),
  };
}

function action(handler) {
  return {
    isAction: true,
    isPublic: true,
    exportArgs: () => '{"type":"any"}',
    exportReturns: () => "null",
    invokeAction: async (requestId, argsJson) => JSON.stringify(await handler(JSON.parse(argsJson)[0])),
  };
}

async function collect(query) {
  const { queryId } = sys("1.0/queryStream", { query, version: "sim" });
  const rows = [];
  for (;;) {
    const { value, done } = await call("1.0/queryStreamNext", { queryId });
    if (done) break;
    rows.push(value);
  }
  sys("1.0/queryCleanup", { queryId });
  return rows;
}

const kvRange = (range, order, limit) => ({
  source: { type: "IndexRange", indexName: "kv.by_key", range, order },
  operators: limit === undefined ? [] : [{ limit }],
});

async function find(key) {
  const rows = await collect(kvRange([{ type: "Eq", fieldPath: "key", value: key }], "asc", 2));
  if (rows.length > 1) throw new Error(`two documents for key ${key}`);
  return rows.length === 0 ? null : rows[0];
}

async function append(op, out) {
  const doc = await find(op.key);
  if (doc === null) {
    const { _id } = await call("1.0/insert", { table: "kv", value: { key: op.key, items: [op.element] } });
    out.ids[op.key] = _id;
  } else {
    await call("1.0/shallowMerge", { id: doc._id, value: { items: [...doc.items, op.element] } });
    out.ids[op.key] = doc._id;
  }
}

async function readById(op, out) {
  // A remembered id may come from an insert that never committed: fall back to the index.
  const byId = op.id ? await call("1.0/get", { id: op.id, isSystem: false, version: "sim" }) : null;
  const doc = byId ?? (await find(op.key));
  out.reads.push({ key: op.key, items: doc === null ? [] : doc.items });
  if (doc !== null) out.ids[op.key] = doc._id;
}

async function readRange(op, out) {
  const range = [
    { type: "Gte", fieldPath: "key", value: op.first },
    { type: "Lte", fieldPath: "key", value: op.last },
  ];
  const docs = await collect(kvRange(range, op.desc ? "desc" : "asc"));
  const byKey = new Map(docs.map((d) => [d.key, d]));
  for (const key of op.keys) {
    const doc = byKey.get(key);
    out.reads.push({ key, items: doc === undefined ? [] : doc.items });
  }
}

async function scratchDelete(op, out) {
  const query = {
    source: { type: "FullTableScan", tableName: "scratch", order: op.desc ? "desc" : "asc" },
    operators: [{ limit: 4 }],
  };
  const docs = await collect(query);
  if (docs.length === 0) return;
  const victim = docs[op.pick % docs.length];
  await call("1.0/remove", { id: victim._id });
  out.deleted.push(victim._id);
}

// Returns the reads in plan order (a range read gives one entry per key), the ids of the keys'
// documents it saw, and the scratch documents it inserted and deleted.
export const txn = mutation(async ({ ops }) => {
  const out = { reads: [], ids: {}, inserted: [], deleted: [] };
  for (const op of ops) {
    switch (op.kind) {
      case "append":
        await append(op, out);
        break;
      case "readIndex": {
        const doc = await find(op.key);
        out.reads.push({ key: op.key, items: doc === null ? [] : doc.items });
        if (doc !== null) out.ids[op.key] = doc._id;
        break;
      }
      case "readId":
        await readById(op, out);
        break;
      case "readRange":
        await readRange(op, out);
        break;
      case "scratchInsert": {
        const { _id } = await call("1.0/insert", { table: "scratch", value: { slot: op.slot } });
        out.inserted.push(_id);
        break;
      }
      case "scratchDelete":
        await scratchDelete(op, out);
        break;
      default:
        throw new Error(`unknown op ${op.kind}`);
    }
  }
  return out;
});

// The sync workload (sim/Convex.Sim.Simulator/Sync): clients subscribe to `read` over the sync
// protocol and append unique elements with `appendOne`, or with `appendViaAction`, an action that
// runs the same mutation (actions are neither retried nor de-duplicated).

// A key's list, or [] if the key has no document yet.
export const read = query(async ({ key }) => {
  const doc = await find(key);
  return doc === null ? [] : doc.items;
});

export const appendOne = mutation(async ({ key, element }) => {
  await append({ key, element }, { ids: {} });
  return null;
});

export const appendViaAction = action(async ({ key, element }) => {
  await call("1.0/actions/mutation", { name: "listAppend:appendOne", args: { key, element } });
  return null;
});
