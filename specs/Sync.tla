-------------------------------- MODULE Sync --------------------------------
(***************************************************************************)
(* The WebSocket sync protocol between Convex clients and the server       *)
(* (src/Convex.Sim.Sync; docs/specs.md; convex-compat.md sections 3.2 to   *)
(* 3.10): query-set versions, transitions that move every subscribed query *)
(* to one timestamp, mutations with read-your-writes resolution, and       *)
(* reconnects with idempotent re-sent mutations.                           *)
(*                                                                         *)
(* Abstraction, and why it is sound for the properties checked here:       *)
(*  - The database is its commit log: entry i is the write committed at    *)
(*    timestamp i (timestamps are strictly increasing by construction, and *)
(*    ts 0 is the empty database). Transactions.tla checks how the log is  *)
(*    produced; here a mutation commits atomically.                        *)
(*  - A query reads one key. Its value at ts t is the timestamp of the     *)
(*    last write to that key at or before t (0 if none), so every write    *)
(*    yields a new value and a stale or future result is observable.       *)
(*    Because the value changes exactly when the key is written, "the read *)
(*    set was written between two timestamps" and "the result changed"     *)
(*    coincide, which is what the server's re-run rule relies on.          *)
(*  - A mutation writes one key, chosen when the client issues it and kept *)
(*    for its re-sends (the same udfPath and args). Mutations do not fail: *)
(*    a failed mutation has no effects and is not de-duplicated, so it     *)
(*    adds nothing to the properties below.                                *)
(*  - Each client has at most one connection at a time, so the connection  *)
(*    is indexed by the client; the client index is its stable sessionId,  *)
(*    which Connect carries and the de-dup table is keyed by. Queries are  *)
(*    only added (Remove and QueryRemoved are left out): a query's id is   *)
(*    its key. The identity version stays 0: Authenticate is left out (it  *)
(*    is one more version the transition echoes, and makes the server      *)
(*    re-run every query at the transition ts, which is the re-run rule    *)
(*    checked here with a larger set). Actions are left out (never re-sent *)
(*    and never de-duplicated).                                            *)
(*  - Messages on one connection are delivered in order (TCP); losing the  *)
(*    connection loses everything in flight in both directions. A server   *)
(*    crash drops every connection at once; the log and the de-dup table  *)
(*    are durable and survive it.                                          *)
(*  - The server handles one client message per step. Handling a          *)
(*    ModifyQuerySet or a Mutation includes computing and sending the      *)
(*    transition it schedules, as the C# SyncSession does holding its gate *)
(*    throughout; a transition caused by another session's commit is a    *)
(*    step of its own (OnCommitAsync). The transition ts may be any        *)
(*    committed ts from the lowest allowed one up to the latest            *)
(*    (OnCommitAsync uses the notified commit ts, not always the latest),  *)
(*    which covers every choice the C# code and the official backend make. *)
(*  - Connect has no reply; the server takes it in the step that opens the *)
(*    socket (see ClientConnect).                                          *)
(*  - MaxReq, MaxTs, MaxDrops and MaxCrashes only bound the model.         *)
(*                                                                         *)
(* The gap constants switch off one mechanism each so that a model checker *)
(* run shows the matching invariant failing: Dedup (de-dup table),         *)
(* WaitForTransition (client read-your-writes rule), RerunAllInvalidated,  *)
(* TsAtLeastCurrent, PushOnCommit (invalidation by other sessions'         *)
(* commits) and RunAtTransitionTs. Invariant names are shared with the C#  *)
(* sync checkers in sim/Convex.Sim.Simulator/Checkers.                     *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets, TLC

CONSTANTS
    Clients,              \* client instances; a client is also its sessionId
    Keys,                 \* document keys; a query reads one key
    LateQueries,          \* keys clients subscribe to while running (the rest from the start)
    MaxReq,               \* mutations per client (requestIds 1..MaxReq)
    MaxTs,                \* largest commit timestamp the model may assign
    MaxDrops,             \* connection losses in a run (all clients together)
    MaxCrashes,           \* server crashes in a run
    Dedup,                \* TRUE: (sessionId, requestId) de-dup table. FALSE: gap
    WaitForTransition,    \* TRUE: resolve after a covering transition. FALSE: gap
    RerunAllInvalidated,  \* TRUE: re-run every invalidated query. FALSE: gap
    TsAtLeastCurrent,     \* TRUE: new ts >= current ts. FALSE: gap (any committed ts)
    PushOnCommit,         \* TRUE: other sessions' commits trigger transitions. FALSE: gap
    RunAtTransitionTs     \* TRUE: queries run at the transition ts. FALSE: gap (at latest)

ASSUME /\ Clients # {} /\ Keys # {} /\ LateQueries \subseteq Keys
       /\ MaxReq \in Nat \ {0} /\ MaxTs \in Nat
       /\ MaxDrops \in Nat /\ MaxCrashes \in Nat
       /\ {Dedup, WaitForTransition, RerunAllInvalidated, TsAtLeastCurrent,
           PushOnCommit, RunAtTransitionTs} \subseteq BOOLEAN

Reqs == 1..MaxReq
Timestamps == 0..MaxTs
\* A query result is the ts of the write it shows (0: the key was never written).
Values == Timestamps
\* "No result held for this query" (not subscribed, or not yet answered).
None == -1
MaxQs == Cardinality(Keys) + 1
\* StateVersion {querySet, ts}; the identity component is always 0 and left out.
Version == [qs : 0..MaxQs, ts : Timestamps]
V0 == [qs |-> 0, ts |-> 0]
\* Client-side mutation states: issued requests are "sent" (queued or on the
\* wire) until a successful MutationResponse makes them "completed", and
\* "resolved" once the client's promise has resolved.
MutStates == {"unissued", "sent", "completed", "resolved"}

VARIABLES
    \* database (durable)
    log,         \* log[i] = [key, mut]: the write committed at ts i, by mutation mut = <<c, r>>
    dedup,       \* dedup[c][r]: commit ts of mutation (c, r), 0 if none recorded
    \* network
    conn,        \* conn[c]: "up" or "down"
    c2s,         \* c2s[c]: messages in flight from client c to the server
    s2c,         \* s2c[c]: messages in flight from the server to client c
    \* client c (BaseConvexClient)
    queries,     \* queries[c]: keys c subscribes to (its local query set)
    qsSent,      \* qsSent[c]: newVersion of the last ModifyQuerySet sent on this connection
    known,       \* known[c]: endVersion of the last transition received on this connection
    results,     \* results[c][k]: the result c shows for query k, or None
    viewTs,      \* viewTs[c]: ts of the snapshot c shows (last transition applied, any connection)
    mstat,       \* mstat[c][r] \in MutStates
    mkey,        \* mkey[c][r]: {key the mutation writes}, {} while unissued
    respTs,      \* respTs[c][r]: ts from the MutationResponse while "completed", else 0
    \* server side of c's connection (SyncSession)
    srvQs,       \* received query-set version
    srvQueries,  \* the server's copy of c's query set
    srvVer,      \* currentVersion: endVersion of the last transition sent
    srvRes,      \* srvRes[c][k]: result last sent for query k on this connection, or None
    minTs,       \* the client's maxObservedTimestamp from Connect: lowest ts the
                 \* connection's first transition may have (0 once one is sent)
    \* fault budget
    drops,
    crashes

dbVars == <<log, dedup>>
netVars == <<conn, c2s, s2c>>
clientVars == <<queries, qsSent, known, results, viewTs, mstat, mkey, respTs>>
serverVars == <<srvQs, srvQueries, srvVer, srvRes, minTs>>
faultVars == <<drops, crashes>>
vars == <<dbVars, netVars, clientVars, serverVars, faultVars>>

Max2(a, b) == IF a >= b THEN a ELSE b
MaxOf(S) == CHOOSE x \in S : \A y \in S : y <= x

-----------------------------------------------------------------------------
(* The database as seen through its log.                                   *)

LatestTs == Len(log)

\* The value of query k at ts t (t <= Len(lg)) in log lg.
ValueIn(lg, k, t) ==
    LET ws == {i \in 1..t : lg[i].key = k}
    IN  IF ws = {} THEN 0 ELSE MaxOf(ws)

\* The read set of query k was written by a commit in (from, to] of log lg.
WrittenIn(lg, k, from, to) == \E i \in (from + 1)..to : lg[i].key = k

ValueAt(k, t) == ValueIn(log, k, t)
WrittenBetween(k, from, to) == WrittenIn(log, k, from, to)

\* Commits of mutation (c, r) (the log positions holding its write).
CommitsOf(c, r) == {i \in 1..LatestTs : log[i].mut = <<c, r>>}

-----------------------------------------------------------------------------
(* Messages. The client index stands for the sessionId Connect carries.   *)

MqsMsg(base, new, adds) ==
    [type |-> "ModifyQuerySet", base |-> base, new |-> new, adds |-> adds]
MutationMsg(r, k) == [type |-> "Mutation", req |-> r, key |-> k]
ResponseMsg(r, t) == [type |-> "MutationResponse", req |-> r, ts |-> t]
\* mods: a function from the queries whose result changed to the new result.
TransitionMsg(start, end, mods) ==
    [type |-> "Transition", start |-> start, end |-> end, mods |-> mods]

TheKey(c, r) == CHOOSE k \in mkey[c][r] : TRUE

\* Every unresolved issued mutation of c in requestId order, as re-sent on
\* connect (including completed ones still waiting for a transition).
Unresolved(c) ==
    SelectSeq([i \in Reqs |-> i], LAMBDA r : mstat[c][r] \in {"sent", "completed"})
Resend(c) ==
    LET u == Unresolved(c)
    IN  [i \in 1..Len(u) |-> MutationMsg(u[i], TheKey(c, u[i]))]

\* Sends m on c's connection if it is up; otherwise the message waits in the
\* client's local state and ClientConnect sends it.
SendIfUp(c, m) ==
    c2s' = IF conn[c] = "up" THEN [c2s EXCEPT ![c] = Append(@, m)] ELSE c2s

\* Connection loss for the clients in S: in-flight messages are lost and the
\* server forgets the connection; the client's query set, results and
\* mutations survive.
Disconnect(S) ==
    /\ conn' = [c \in Clients |-> IF c \in S THEN "down" ELSE conn[c]]
    /\ c2s' = [c \in Clients |-> IF c \in S THEN <<>> ELSE c2s[c]]
    /\ s2c' = [c \in Clients |-> IF c \in S THEN <<>> ELSE s2c[c]]
    /\ qsSent' = [c \in Clients |-> IF c \in S THEN 0 ELSE qsSent[c]]
    /\ known' = [c \in Clients |-> IF c \in S THEN V0 ELSE known[c]]
    /\ srvQs' = [c \in Clients |-> IF c \in S THEN 0 ELSE srvQs[c]]
    /\ srvQueries' = [c \in Clients |-> IF c \in S THEN {} ELSE srvQueries[c]]
    /\ srvVer' = [c \in Clients |-> IF c \in S THEN V0 ELSE srvVer[c]]
    /\ srvRes' = [c \in Clients |-> IF c \in S THEN [k \in Keys |-> None] ELSE srvRes[c]]
    /\ minTs' = [c \in Clients |-> IF c \in S THEN 0 ELSE minTs[c]]

-----------------------------------------------------------------------------
(* Initial state: nothing committed, every client disconnected.           *)

Init ==
    /\ log = <<>>
    /\ dedup = [c \in Clients |-> [r \in Reqs |-> 0]]
    /\ conn = [c \in Clients |-> "down"]
    /\ c2s = [c \in Clients |-> <<>>]
    /\ s2c = [c \in Clients |-> <<>>]
    /\ queries = [c \in Clients |-> Keys \ LateQueries]
    /\ qsSent = [c \in Clients |-> 0]
    /\ known = [c \in Clients |-> V0]
    /\ results = [c \in Clients |-> [k \in Keys |-> None]]
    /\ viewTs = [c \in Clients |-> 0]
    /\ mstat = [c \in Clients |-> [r \in Reqs |-> "unissued"]]
    /\ mkey = [c \in Clients |-> [r \in Reqs |-> {}]]
    /\ respTs = [c \in Clients |-> [r \in Reqs |-> 0]]
    /\ srvQs = [c \in Clients |-> 0]
    /\ srvQueries = [c \in Clients |-> {}]
    /\ srvVer = [c \in Clients |-> V0]
    /\ srvRes = [c \in Clients |-> [k \in Keys |-> None]]
    /\ minTs = [c \in Clients |-> 0]
    /\ drops = 0
    /\ crashes = 0

-----------------------------------------------------------------------------
(* Client actions: the rules of the official client (convex-js           *)
(* BaseConvexClient), which any C# test or simulator client must follow.  *)

\* A new socket opens (first connect or reconnect, convex-compat 3.10): the
\* client sends Connect (sessionId, maxObservedTimestamp), then
\* ModifyQuerySet from version 0 to 1 adding every query, then every
\* unresolved mutation with its original requestId.
\* Connect has no reply and only tells the server the session id and the
\* client's maxObservedTimestamp, so the model lets the server take it in the
\* same step (C#: SyncSession.HandleAsync(Connect)). The official backend
\* kills a socket whose maxObservedTimestamp is ahead of its latest commit;
\* ClientNotAhead shows that never happens. Here the value is the lower bound
\* for the connection's first transition, which the official backend gets
\* for free by always picking the latest commit.
ClientConnect(c) ==
    /\ conn[c] = "down"
    /\ conn' = [conn EXCEPT ![c] = "up"]
    /\ c2s' = [c2s EXCEPT ![c] = <<MqsMsg(0, 1, queries[c])>> \o Resend(c)]
    /\ qsSent' = [qsSent EXCEPT ![c] = 1]
    /\ minTs' = [minTs EXCEPT ![c] = viewTs[c]]
    /\ UNCHANGED <<dbVars, s2c, queries, known, results, viewTs, mstat, mkey, respTs,
                   srvQs, srvQueries, srvVer, srvRes, faultVars>>

\* The application subscribes to query k: ModifyQuerySet(v, v + 1, Add k).
\* (The queries not in LateQueries are subscribed before the first connect.)
ClientSubscribe(c, k) ==
    /\ k \in LateQueries
    /\ k \notin queries[c]
    /\ queries' = [queries EXCEPT ![c] = @ \cup {k}]
    /\ SendIfUp(c, MqsMsg(qsSent[c], qsSent[c] + 1, {k}))
    /\ qsSent' = IF conn[c] = "up" THEN [qsSent EXCEPT ![c] = @ + 1] ELSE qsSent
    /\ UNCHANGED <<dbVars, conn, s2c, known, results, viewTs, mstat, mkey, respTs,
                   serverVars, faultVars>>

\* The application calls a mutation writing key k; requestIds are issued in order.
ClientMutate(c, r, k) ==
    /\ mstat[c][r] = "unissued"
    /\ IF r = 1 THEN TRUE ELSE mstat[c][r - 1] # "unissued"
    /\ mstat' = [mstat EXCEPT ![c][r] = "sent"]
    /\ mkey' = [mkey EXCEPT ![c][r] = {k}]
    /\ SendIfUp(c, MutationMsg(r, k))
    /\ UNCHANGED <<dbVars, conn, s2c, queries, qsSent, known, results, viewTs, respTs,
                   serverVars, faultVars>>

\* A Transition arrives. The official client throws "Invalid start version"
\* unless startVersion equals the last endVersion; VersionsChain shows that
\* never happens, so the step is simply not enabled then. It applies the
\* changed results, moves its view to endVersion.ts and resolves every
\* completed mutation whose ts <= endVersion.ts (convex-compat 3.7.2).
ClientReceiveTransition(c) ==
    /\ s2c[c] # <<>>
    /\ LET m == Head(s2c[c])
       IN  /\ m.type = "Transition"
           /\ m.start = known[c]
           /\ known' = [known EXCEPT ![c] = m.end]
           /\ viewTs' = [viewTs EXCEPT ![c] = m.end.ts]
           /\ results' = [results EXCEPT ![c] =
                            [k \in Keys |-> IF k \in DOMAIN m.mods THEN m.mods[k] ELSE @[k]]]
           /\ LET covered(r) == mstat[c][r] = "completed" /\ respTs[c][r] <= m.end.ts
              IN  /\ mstat' = [mstat EXCEPT ![c] =
                                 [r \in Reqs |-> IF covered(r) THEN "resolved" ELSE @[r]]]
                  /\ respTs' = [respTs EXCEPT ![c] =
                                 [r \in Reqs |-> IF covered(r) THEN 0 ELSE @[r]]]
    /\ s2c' = [s2c EXCEPT ![c] = Tail(@)]
    /\ UNCHANGED <<dbVars, conn, c2s, queries, qsSent, mkey, serverVars, faultVars>>

\* A successful MutationResponse arrives: the mutation is completed but not
\* yet visible, and waits for a covering transition. Gap (WaitForTransition =
\* FALSE): the promise resolves right away. A response for a mutation the
\* client no longer tracks is ignored.
ClientReceiveResponse(c) ==
    /\ s2c[c] # <<>>
    /\ LET m == Head(s2c[c])
           r == m.req
       IN  /\ m.type = "MutationResponse"
           /\ IF mstat[c][r] \in {"sent", "completed"}
              THEN IF WaitForTransition
                   THEN /\ mstat' = [mstat EXCEPT ![c][r] = "completed"]
                        /\ respTs' = [respTs EXCEPT ![c][r] = m.ts]
                   ELSE /\ mstat' = [mstat EXCEPT ![c][r] = "resolved"]
                        /\ UNCHANGED respTs
              ELSE UNCHANGED <<mstat, respTs>>
    /\ s2c' = [s2c EXCEPT ![c] = Tail(@)]
    /\ UNCHANGED <<dbVars, conn, c2s, queries, qsSent, known, results, viewTs, mkey,
                   serverVars, faultVars>>

-----------------------------------------------------------------------------
(* Server actions (SyncSession), one per connection, in arrival order. As  *)
(* in the C# SyncSession, handling a ModifyQuerySet or a mutation and      *)
(* sending the transition it schedules is one step (both run under the     *)
(* session's gate); a transition caused by another session's commit is a   *)
(* step of its own.                                                        *)

\* C#: SyncSession.AdvanceAsync. Moves c's connection from currentVersion to
\* (qsv, ts) over log lg for the query set qset: picks ts, runs the queries
\* not answered yet on this connection, re-runs every query whose read set
\* was written in (current ts, ts], all at ts, and appends one Transition
\* with the results that differ from those last sent to out (the messages
\* this step sends before it). ts ranges from max(current ts, lo) to the
\* latest commit. If always is FALSE the transition is sent only when some
\* result changed (OnCommitAsync's TransitionKind.OnlyIfChanged).
\* Gaps: TsAtLeastCurrent = FALSE lets ts be any committed ts;
\* RerunAllInvalidated = FALSE re-runs only some invalidated queries;
\* RunAtTransitionTs = FALSE runs queries at the latest ts instead of ts.
Advance(c, lg, qsv, qset, lo, always, out) ==
    \E ts \in (IF TsAtLeastCurrent THEN Max2(srvVer[c].ts, lo)..Len(lg) ELSE 0..Len(lg)) :
      LET cur == srvVer[c]
          fresh == {k \in qset : srvRes[c][k] = None}
          stale == {k \in qset : WrittenIn(lg, k, cur.ts, ts)}
          runAt == IF RunAtTransitionTs THEN ts ELSE Len(lg)
      IN  \E rerun \in (IF RerunAllInvalidated THEN {stale} ELSE SUBSET stale) :
            LET new == [k \in Keys |-> IF k \in fresh \cup rerun THEN ValueIn(lg, k, runAt)
                                       ELSE srvRes[c][k]]
                changed == {k \in qset : new[k] # srvRes[c][k]}
                end == [qs |-> qsv, ts |-> ts]
            IN  /\ always \/ changed # {}
                /\ s2c' = [s2c EXCEPT ![c] =
                             out \o <<TransitionMsg(cur, end, [k \in changed |-> new[k]])>>]
                /\ srvVer' = [srvVer EXCEPT ![c] = end]
                /\ srvRes' = [srvRes EXCEPT ![c] = new]
                /\ minTs' = [minTs EXCEPT ![c] = 0]

\* C#: SyncSession.ModifyQuerySetAsync. A baseVersion other than the received
\* version is a BaseVersionMismatch (FatalError); VersionsChain shows it never
\* happens, so the step is not enabled then. The transition is always sent.
ServerModifyQuerySet(c) ==
    /\ c2s[c] # <<>>
    /\ LET m == Head(c2s[c])
       IN  /\ m.type = "ModifyQuerySet"
           /\ m.base = srvQs[c]
           /\ srvQs' = [srvQs EXCEPT ![c] = m.new]
           /\ srvQueries' = [srvQueries EXCEPT ![c] = @ \cup m.adds]
           /\ Advance(c, log, m.new, srvQueries[c] \cup m.adds, minTs[c], TRUE, s2c[c])
    /\ c2s' = [c2s EXCEPT ![c] = Tail(@)]
    /\ UNCHANGED <<dbVars, conn, clientVars, faultVars>>

\* C#: SyncSession.MutationAsync. If the de-dup table has (sessionId,
\* requestId), the stored commit ts is returned and nothing runs; otherwise
\* the mutation commits at the next ts and its de-dup record is written in the
\* same transaction. Then MutationResponse(ts) and a transition with ts >= the
\* commit ts (always sent, even when no result changed).
\* Gap (Dedup = FALSE): no table, every copy of the request runs.
ServerMutation(c) ==
    /\ c2s[c] # <<>>
    /\ LET m == Head(c2s[c])
           r == m.req
           seen == Dedup /\ dedup[c][r] # 0
           t == IF seen THEN dedup[c][r] ELSE LatestTs + 1
           lg == IF seen THEN log ELSE Append(log, [key |-> m.key, mut |-> <<c, r>>])
       IN  /\ m.type = "Mutation"
           /\ t <= MaxTs
           /\ log' = lg
           /\ dedup' = IF Dedup /\ ~seen THEN [dedup EXCEPT ![c][r] = t] ELSE dedup
           /\ Advance(c, lg, srvQs[c], srvQueries[c], Max2(minTs[c], t), TRUE,
                      Append(s2c[c], ResponseMsg(r, t)))
    /\ c2s' = [c2s EXCEPT ![c] = Tail(@)]
    /\ UNCHANGED <<conn, clientVars, srvQs, srvQueries, faultVars>>

\* The queries of c's connection whose read sets commits after the current
\* version have written.
Invalidated(c) == {k \in srvQueries[c] : WrittenBetween(k, srvVer[c].ts, LatestTs)}

\* C#: SyncSession.OnCommitAsync, called for every commit (of any session):
\* if a query of this connection is invalidated, re-run and push a
\* transition. Sent only if some result changed.
\* Gap (PushOnCommit = FALSE): commits by others never reach the session.
ServerPush(c) ==
    /\ PushOnCommit
    /\ conn[c] = "up"
    /\ Invalidated(c) # {}
    /\ Advance(c, log, srvQs[c], srvQueries[c], minTs[c], FALSE, s2c[c])
    /\ UNCHANGED <<dbVars, conn, c2s, clientVars, srvQs, srvQueries, faultVars>>

-----------------------------------------------------------------------------
(* Faults.                                                                 *)

\* The socket closes (network, inactivity timeout, ...): both directions lose
\* what is in flight. The client reconnects later with ClientConnect.
Drop(c) ==
    /\ conn[c] = "up"
    /\ drops < MaxDrops
    /\ drops' = drops + 1
    /\ Disconnect({c})
    /\ UNCHANGED <<dbVars, queries, results, viewTs, mstat, mkey, respTs, crashes>>

\* The server process restarts: every connection drops; the committed log
\* and the de-dup table (a system table written with each mutation) survive.
Crash ==
    /\ \E c \in Clients : conn[c] = "up"
    /\ crashes < MaxCrashes
    /\ crashes' = crashes + 1
    /\ Disconnect(Clients)
    /\ UNCHANGED <<dbVars, queries, results, viewTs, mstat, mkey, respTs, drops>>

\* Every client subscribes to every key, every mutation resolved, every
\* connection up and idle: stutter, so that TLC's deadlock check reports only
\* runs that get stuck before this point.
Done ==
    /\ \A c \in Clients :
          /\ conn[c] = "up" /\ c2s[c] = <<>> /\ s2c[c] = <<>>
          /\ queries[c] = Keys
          /\ \A r \in Reqs : mstat[c][r] = "resolved"
    /\ UNCHANGED vars

ServerStep(c) ==
    \/ ServerModifyQuerySet(c)
    \/ ServerMutation(c)
    \/ ServerPush(c)

Next ==
    \/ \E c \in Clients :
          \/ ClientConnect(c)
          \/ \E k \in Keys : ClientSubscribe(c, k)
          \/ \E r \in Reqs, k \in Keys : ClientMutate(c, r, k)
          \/ ClientReceiveTransition(c)
          \/ ClientReceiveResponse(c)
          \/ ServerStep(c)
          \/ Drop(c)
    \/ Crash
    \/ Done

Spec == Init /\ [][Next]_vars

\* Clients are interchangeable, and so are keys unless LateQueries singles
\* some out, so configs may use these symmetries for the safety invariants.
Symmetry == Permutations(Clients) \cup Permutations(Keys)
ClientSymmetry == Permutations(Clients)

\* For the optional liveness check (SyncLiveness.cfg): the server and the
\* clients keep taking their steps; faults and application calls need no
\* fairness.
Fairness ==
    /\ \A c \in Clients :
          /\ WF_vars(ClientConnect(c))
          /\ WF_vars(ClientReceiveTransition(c))
          /\ WF_vars(ClientReceiveResponse(c))
          /\ WF_vars(ServerStep(c))
FairSpec == Spec /\ Fairness

-----------------------------------------------------------------------------
(* Invariants. Names shared with the C# sync checkers are marked (C#).     *)

TypeOK ==
    /\ log \in Seq([key : Keys, mut : Clients \X Reqs]) /\ Len(log) <= MaxTs
    /\ dedup \in [Clients -> [Reqs -> Timestamps]]
    /\ conn \in [Clients -> {"up", "down"}]
    /\ queries \in [Clients -> SUBSET Keys]
    /\ qsSent \in [Clients -> 0..MaxQs]
    /\ known \in [Clients -> Version]
    /\ results \in [Clients -> [Keys -> Values \cup {None}]]
    /\ viewTs \in [Clients -> Timestamps]
    /\ mstat \in [Clients -> [Reqs -> MutStates]]
    /\ mkey \in [Clients -> [Reqs -> SUBSET Keys]]
    /\ respTs \in [Clients -> [Reqs -> Timestamps]]
    /\ srvQs \in [Clients -> 0..MaxQs]
    /\ srvQueries \in [Clients -> SUBSET Keys]
    /\ srvVer \in [Clients -> Version]
    /\ srvRes \in [Clients -> [Keys -> Values \cup {None}]]
    /\ minTs \in [Clients -> Timestamps]
    /\ drops \in 0..MaxDrops /\ crashes \in 0..MaxCrashes

\* (C#) Every result the client holds is the value of its query at the ts of
\* the last transition it applied: the client's view is one snapshot.
OneTimestampPerTransition ==
    \A c \in Clients, k \in Keys :
        results[c][k] # None => results[c][k] = ValueAt(k, viewTs[c])

\* (C#) Transition timestamps never go backwards: every transition on its way
\* to a client ends at or after its own start version and at or after the
\* snapshot the client shows now, which carries across reconnects (the
\* client's maxObservedTimestamp never decreases). Transitions are applied in
\* order, so each one applied moves the client's view forward or keeps it.
MonotonicTimestamps ==
    \A c \in Clients : \A i \in 1..Len(s2c[c]) :
        LET m == s2c[c][i]
        IN  m.type = "Transition" => m.end.ts >= m.start.ts /\ m.end.ts >= viewTs[c]

\* (C#) A resolved mutation's write is in the snapshot the client shows: the
\* client has applied a transition whose ts is at or after its commit ts.
MutationResolvedAfterVisible ==
    \A c \in Clients, r \in Reqs :
        mstat[c][r] = "resolved" => \E i \in CommitsOf(c, r) : i <= viewTs[c]

\* (C#) Every result shown, when it is shown (on its way in a Transition), is
\* the value of its query at that transition's ts. The log is append-only, so
\* checking the transitions in flight covers every result ever shown.
NoPhantomUpdate ==
    \A c \in Clients : \A i \in 1..Len(s2c[c]) :
        LET m == s2c[c][i]
        IN  m.type = "Transition" =>
              \A k \in DOMAIN m.mods : m.mods[k] = ValueAt(k, m.end.ts)

\* (C#) Each (sessionId, requestId) is applied at most once, and exactly once
\* if the client got a successful response (completed or resolved).
ExactlyOnceMutation ==
    \A c \in Clients, r \in Reqs :
        /\ Cardinality(CommitsOf(c, r)) <= 1
        /\ mstat[c][r] \in {"completed", "resolved"} => Cardinality(CommitsOf(c, r)) = 1

\* The system is at rest: every connection up, nothing in flight, and the
\* server has no transition to send (whatever its rules are).
Quiescent ==
    \A c \in Clients :
        /\ conn[c] = "up" /\ c2s[c] = <<>> /\ s2c[c] = <<>>
        /\ ~ENABLED ServerPush(c)

\* (C#) The safety form of "no missed update": the system cannot come to rest
\* while a client shows a result older than the latest commit. (With the
\* fairness of FairSpec, every behaviour that stops faulting and calling
\* reaches such a rest state; SyncLiveness.cfg checks that as NoMissedUpdateLive.)
NoMissedUpdate ==
    Quiescent =>
        \A c \in Clients : \A k \in queries[c] : results[c][k] = ValueAt(k, LatestTs)

\* Spec-only: at rest every issued mutation has resolved (the server always
\* follows a MutationResponse with a covering transition).
NoStuckMutation ==
    Quiescent => \A c \in Clients, r \in Reqs : mstat[c][r] \in {"unissued", "resolved"}

\* Spec-only: the client never saw a ts the server has not committed, so the
\* official backend's maxObservedTimestamp check never kills a socket (the
\* log survives crashes).
ClientNotAhead ==
    \A c \in Clients :
        /\ viewTs[c] <= LatestTs
        /\ \A r \in Reqs : respTs[c][r] <= LatestTs

\* Spec-only: versions chain on every connection, so neither side ever sees a
\* version mismatch. Client to server: the ModifyQuerySets in flight go from
\* the server's received version up to the client's qsSent. Server to client:
\* the Transitions in flight go from the client's known version up to the
\* server's currentVersion.
VersionsChain ==
    \A c \in Clients :
        LET mq == SelectSeq(c2s[c], LAMBDA m : m.type = "ModifyQuerySet")
            tr == SelectSeq(s2c[c], LAMBDA m : m.type = "Transition")
        IN  /\ conn[c] = "up" =>
                 IF mq = <<>> THEN srvQs[c] = qsSent[c]
                 ELSE /\ mq[1].base = srvQs[c]
                      /\ \A i \in 1..Len(mq) : mq[i].new = mq[i].base + 1
                      /\ \A i \in 1..(Len(mq) - 1) : mq[i + 1].base = mq[i].new
                      /\ mq[Len(mq)].new = qsSent[c]
            /\ IF tr = <<>> THEN known[c] = srvVer[c]
               ELSE /\ tr[1].start = known[c]
                    /\ \A i \in 1..(Len(tr) - 1) : tr[i + 1].start = tr[i].end
                    /\ tr[Len(tr)].end = srvVer[c]

-----------------------------------------------------------------------------
(* Liveness (SyncLiveness.cfg only): under FairSpec, once faults and       *)
(* application calls stop, every client ends up showing the latest value  *)
(* of each query it subscribes to and every mutation it issued resolves.  *)

Fresh ==
    \A c \in Clients :
        /\ \A k \in queries[c] : results[c][k] = ValueAt(k, LatestTs)
        /\ \A r \in Reqs : mstat[c][r] \in {"unissued", "resolved"}

NoMissedUpdateLive == <>[]Fresh

=============================================================================
