---------------------------- MODULE Transactions ----------------------------
(***************************************************************************)
(* Snapshot reads, buffered writes and OCC commit in Convex.Sim's database *)
(* (src/Convex.Sim.Database; docs/specs.md; convex-compat.md section 7.1). *)
(*                                                                         *)
(* Abstraction, and why it is sound for the properties checked here:       *)
(*  - A document key stands in for an index key range. The C# read set     *)
(*    records index intervals; a range read is the set of point reads of   *)
(*    every key in it, taken at one fixed snapshot, so reading the keys in *)
(*    one step or in several yields the same observations. An absent key   *)
(*    has the value Nil and is readable, so a later insert into a scanned  *)
(*    range (a phantom) is a write to a read key, and conflicts.           *)
(*  - The value written by transaction t is t itself (insert/patch/replace *)
(*    collapse to "write t") or Nil (delete). Distinct writers thus write  *)
(*    distinct values, which makes a stale read observable.                *)
(*  - A write buffer entry is write-once per key. Values are writer ids,   *)
(*    so a second write by the same transaction could only switch between  *)
(*    t and Nil; leaving that out keeps the state space small.             *)
(*  - Each id in Txns is one attempt. A client retry after an OCC abort is *)
(*    a fresh id, so retries need no extra machinery.                      *)
(*  - Timestamps are naturals; ts 0 is the initial (empty) database. Every *)
(*    commit gets a fresh timestamp, read-only ones included. MaxTs only   *)
(*    bounds the model.                                                    *)
(*  - One committer runs Commit atomically: validation, timestamp choice   *)
(*    and applying the writes are a single step, as the C# Committer runs  *)
(*    them on one task.                                                    *)
(*                                                                         *)
(* The gap constants switch off one mechanism each so that a model checker *)
(* run shows the matching invariant failing: ValidateReads (OCC),          *)
(* CommitTsRule (fresh timestamps) and ReadOwnWrites (write buffer reads). *)
(* Invariant names are shared with the C# history checkers.                *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    Keys,           \* document keys (stand-ins for index key ranges)
    Txns,           \* transaction attempts; also the values they write
    Nil,            \* value of an absent document (never inserted, or deleted)
    NoWrite,        \* "this key is not in the write buffer"
    MaxTs,          \* largest commit timestamp the model may assign
    ValidateReads,  \* TRUE: OCC read-set validation at commit. FALSE: gap
    CommitTsRule,   \* "AfterLatest" (correct) or "AfterSnapshot" (gap)
    ReadOwnWrites   \* TRUE: reads consult the write buffer. FALSE: gap

ASSUME /\ Keys # {} /\ Txns # {}
       /\ Nil \notin Txns /\ NoWrite \notin Txns \cup {Nil}
       /\ MaxTs \in Nat /\ MaxTs >= Cardinality(Txns)
       /\ ValidateReads \in BOOLEAN /\ ReadOwnWrites \in BOOLEAN
       /\ CommitTsRule \in {"AfterLatest", "AfterSnapshot"}

Values == Txns \cup {Nil}
Timestamps == 0..MaxTs
\* Marks a read served from the transaction's own write buffer, not a version.
OwnTs == -1
Statuses == {"idle", "running", "committed", "aborted"}

VARIABLES
    versions,   \* versions[k]: committed versions of k, a set of [ts, val]
    latestTs,   \* largest commit timestamp so far (0 before any commit)
    status,     \* status[t]: idle -> running -> committed | aborted
    snapshot,   \* snapshot[t]: timestamp t reads at (meaningful once running)
    reads,      \* reads[t]: observations [key, val, ts, afterWrite] (read set)
    writes,     \* writes[t][k]: buffered value for k, or NoWrite
    commitTs,   \* commitTs[t]: assigned at commit; 0 while not committed
    history     \* committed transactions in the order the committer ran them

vars == <<versions, latestTs, status, snapshot, reads, writes, commitTs, history>>

Version == [ts : Timestamps, val : Values]
\* ts is the version observed, or OwnTs. afterWrite records whether t had
\* already buffered a write to key when it read, which is what a history
\* checker can see without knowing how the read was served.
ReadRecord == [key : Keys, val : Values, ts : Timestamps \cup {OwnTs},
               afterWrite : BOOLEAN]

Committed == {t \in Txns : status[t] = "committed"}

-----------------------------------------------------------------------------
(* Reading the multi-version store.                                        *)

\* The version of k a snapshot at s sees: the newest committed one with ts <= s.
\* Version 0 always exists, so the set below is never empty.
VisibleVersion(k, s) ==
    LET visible == {v \in versions[k] : v.ts <= s}
    IN  CHOOSE v \in visible : \A w \in visible : w.ts <= v.ts

\* Every committed write after the initial state, as the C# WriteLog keeps it.
WriteLog == UNION {{[ts |-> v.ts, key |-> k] : v \in {x \in versions[k] : x.ts > 0}}
                   : k \in Keys}

\* Keys whose value t took from its snapshot (buffer reads cannot go stale).
SnapshotReadKeys(t) == {r.key : r \in {x \in reads[t] : x.ts # OwnTs}}

\* Commits after t's snapshot that wrote a key t read from the snapshot.
Conflicts(t) == {w \in WriteLog : w.ts > snapshot[t] /\ w.key \in SnapshotReadKeys(t)}

-----------------------------------------------------------------------------
(* Actions.                                                                *)

Init ==
    /\ versions = [k \in Keys |-> {[ts |-> 0, val |-> Nil]}]
    /\ latestTs = 0
    /\ status = [t \in Txns |-> "idle"]
    /\ snapshot = [t \in Txns |-> 0]
    /\ reads = [t \in Txns |-> {}]
    /\ writes = [t \in Txns |-> [k \in Keys |-> NoWrite]]
    /\ commitTs = [t \in Txns |-> 0]
    /\ history = <<>>

\* C#: Database.BeginTransaction (the snapshot is the latest committed ts)
Begin(t) ==
    /\ status[t] = "idle"
    /\ status' = [status EXCEPT ![t] = "running"]
    /\ snapshot' = [snapshot EXCEPT ![t] = latestTs]
    /\ UNCHANGED <<versions, latestTs, reads, writes, commitTs, history>>

\* C#: Transaction.GetAsync / Transaction.OpenStream + IndexStream.NextAsync
\* (the observation is recorded in Transaction.ReadSet; a scan is several of
\* these steps)
Read(t, k) ==
    /\ status[t] = "running"
    /\ LET buffered == writes[t][k] # NoWrite
           v == VisibleVersion(k, snapshot[t])
           rec == IF ReadOwnWrites /\ buffered
                  THEN [key |-> k, val |-> writes[t][k], ts |-> OwnTs,
                        afterWrite |-> TRUE]
                  ELSE [key |-> k, val |-> v.val, ts |-> v.ts,
                        afterWrite |-> buffered]
       IN  reads' = [reads EXCEPT ![t] = @ \cup {rec}]
    /\ UNCHANGED <<versions, latestTs, status, snapshot, writes, commitTs, history>>

\* C#: Transaction.InsertAsync / PatchAsync / ReplaceAsync (val = t) and
\* Transaction.DeleteAsync (val = Nil); buffered, invisible to others
Write(t, k, val) ==
    /\ status[t] = "running"
    /\ writes[t][k] = NoWrite
    /\ writes' = [writes EXCEPT ![t][k] = val]
    /\ UNCHANGED <<versions, latestTs, status, snapshot, reads, commitTs, history>>

\* C#: Committer.Validate (the conflict check against WriteLog, via
\* Database.FirstConflict), then Committer.CommitGroupAsync (timestamp
\* assignment, persistence write, Database.Publish).
\* When validation fails this step is disabled and Abort is the way out.
Commit(t) ==
    /\ status[t] = "running"
    /\ ValidateReads => Conflicts(t) = {}
    /\ LET c == IF CommitTsRule = "AfterLatest" THEN latestTs + 1 ELSE snapshot[t] + 1
       IN  /\ c <= MaxTs
           /\ versions' = [k \in Keys |->
                             IF writes[t][k] = NoWrite THEN versions[k]
                             ELSE versions[k] \cup {[ts |-> c, val |-> writes[t][k]]}]
           /\ latestTs' = IF c > latestTs THEN c ELSE latestTs
           /\ commitTs' = [commitTs EXCEPT ![t] = c]
    /\ status' = [status EXCEPT ![t] = "committed"]
    /\ history' = Append(history, t)
    /\ UNCHANGED <<snapshot, reads, writes>>

\* C#: Committer.Validate answering with OccConflictException, or the
\* function throwing before commit; the write buffer is dropped unseen.
Abort(t) ==
    /\ status[t] = "running"
    /\ status' = [status EXCEPT ![t] = "aborted"]
    /\ UNCHANGED <<versions, latestTs, snapshot, reads, writes, commitTs, history>>

\* Every attempt has finished; stutter so that TLC's deadlock check only
\* reports a stuck state that still has running or idle transactions.
Terminated ==
    /\ \A t \in Txns : status[t] \in {"committed", "aborted"}
    /\ UNCHANGED vars

Next ==
    \/ \E t \in Txns :
          \/ Begin(t)
          \/ \E k \in Keys : Read(t, k)
          \/ \E k \in Keys, val \in {t, Nil} : Write(t, k, val)
          \/ Commit(t)
          \/ Abort(t)
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants. They are stated over the recorded history (who committed,  *)
(* at which ts, what each read observed, what each wrote), not over        *)
(* `versions`, so the store's own bookkeeping is checked rather than       *)
(* trusted.                                                                *)

TypeOK ==
    /\ versions \in [Keys -> SUBSET Version]
    /\ latestTs \in Timestamps
    /\ status \in [Txns -> Statuses]
    /\ snapshot \in [Txns -> Timestamps]
    /\ reads \in [Txns -> SUBSET ReadRecord]
    /\ \A t \in Txns : writes[t] \in [Keys -> {t, Nil, NoWrite}]
    /\ commitTs \in [Txns -> Timestamps]
    /\ history \in Seq(Txns)

\* Among committed transactions u that wrote k with commitTs[u] <= s, the
\* value written by the one with the largest commit ts; Nil if none.
CommittedValueAsOf(k, s) ==
    LET writers == {u \in Committed : writes[u][k] # NoWrite /\ commitTs[u] <= s}
    IN  IF writers = {} THEN Nil
        ELSE writes[CHOOSE u \in writers :
                       \A w \in writers : commitTs[w] <= commitTs[u]][k]

\* Run the committed transactions one at a time in commit-ts order: each one
\* observes what it recorded. A read made after t's own write of the key sees
\* that write; any other read sees the state just before t's commit point.
SerializableHistory ==
    \A t \in Committed : \A r \in reads[t] :
        IF r.afterWrite THEN r.val = writes[t][r.key]
        ELSE r.val = CommittedValueAsOf(r.key, commitTs[t] - 1)

\* No two committed transactions read the same version of a key from their
\* snapshots and both wrote that key (the second would overwrite the first).
NoLostUpdate ==
    \A t1, t2 \in Committed : t1 # t2 =>
        \A r1 \in reads[t1], r2 \in reads[t2] :
            ~ /\ r1.key = r2.key
              /\ r1.ts = r2.ts
              /\ r1.ts # OwnTs
              /\ writes[t1][r1.key] # NoWrite
              /\ writes[t2][r1.key] # NoWrite

\* Commit timestamps are positive, unique, above the committer's snapshot,
\* and increase along the order in which the committer ran the commits.
MonotonicCommitTs ==
    /\ \A t \in Txns : (t \in Committed) <=> (\E i \in 1..Len(history) : history[i] = t)
    /\ \A i, j \in 1..Len(history) : i < j => commitTs[history[i]] < commitTs[history[j]]
    /\ \A t \in Committed : commitTs[t] \in 1..latestTs /\ commitTs[t] > snapshot[t]

\* A read of a key the transaction already wrote returns the buffered value.
ReadYourWrites ==
    \A t \in Txns : \A r \in reads[t] : r.afterWrite => r.val = writes[t][r.key]

\* Spec-only: every snapshot read (of any transaction, aborted ones too)
\* returned the value committed as of its snapshot.
SnapshotReads ==
    \A t \in Txns : \A r \in reads[t] :
        r.ts # OwnTs => r.val = CommittedValueAsOf(r.key, snapshot[t])

=============================================================================
