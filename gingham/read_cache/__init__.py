"""A per-process cache of Items (by access token and by id) and of their accounts, for the
read-only endpoints (`/accounts/get`, `/item/get`), kept correct across every process that
writes.

What it promises: a read never returns data older than a commit that finished before the read
began, whichever process, connection or tool made that commit.

How: the database counts the transactions that change `items`, `access_tokens` or `accounts`
(read_cache_writes, kept by triggers, migration da7a00000014), so no writer can forget to. A
read-only unit of work reads that count once, before anything else it takes from the cache; the
cache serves only entries stored under the same count and, on seeing a higher one, drops them
all. Entries are stored under the count read before their rows were, so they are never older
than their count says. A hit costs one query of a tiny table instead of the Item's and the
accounts' queries and their decoding.

Why the count is kept this way:

- It must become visible exactly when the writes do, at their commit. A PostgreSQL sequence
  (nextval) never blocks, but its new value is visible before the commit: a reader could store
  the old rows under the new value and serve them after the commit. LISTEN/NOTIFY is delivered
  after the commit, asynchronously: a read just after another process's commit could still
  come before its notification. `PRAGMA data_version` on SQLite does not change for the
  connection's own commits, and the pool's connections are shared by readers and writers.
- On PostgreSQL one counter row would make every writer of these tables wait for the one before
  it to commit. The count is spread over 64 rows (the sum is the version; each row only grows,
  so the sum grows with every such commit), each written by the backends whose process id falls
  on it, and the trigger is a deferred constraint trigger: it runs once per transaction, at its
  commit, so a row is held only while its transaction commits, and after every other lock the
  transaction takes (no new deadlock). This relies on writers running at READ COMMITTED
  (PostgreSQL's default, and the only level Gingham uses): at REPEATABLE READ a writer would
  fail to commit when another on the same row had committed since its snapshot.
- SQLite has only row triggers, run as rows change; its writers hold the database lock in turn
  anyway, so its one row costs no concurrency.

Where it is used: only in read-only units of work (gingham.db.READ_ONLY) whose connection is
outside any transaction, where each statement sees only committed rows. A unit that writes
reads the database, so it sees its own uncommitted changes; so does a read-only unit on a
connection inside a transaction (the tests' rolled-back one), whose uncommitted rows must not
reach a cache other units share.

What it costs: any change to any Item or account empties the cache, so it pays off when reads
outnumber those writes. `GINGHAM_READ_CACHE` caps how many entries of each kind a process keeps
(0 turns the cache off).
"""
