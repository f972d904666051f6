#pragma once
// ResourceStore::search on PostgreSQL: the page of matches, its includes and
// the total, read in one read-only snapshot.

#include "carnet/search/query.hpp"
#include "carnet/store/resource_store.hpp"
#include "store/pg/statement_cache.hpp"
#include "store/pg/version_cache.hpp"

namespace carnet::store::pg {

/// Runs `q` in one REPEATABLE READ, READ ONLY transaction on `conn` (so the
/// page, its includes and its total agree), or as a single statement when
/// the page is all it reads. Its SQL runs as prepared statements of `conn`.
/// The versions found are taken from `versions` when kept there, else read
/// (one more statement) and kept.
///
/// Order: the _sort keys (search_order.hpp) then rid, i.e. creation order by
/// default. Paging: in an order that cannot change (rid, _id) by keyset —
/// count + 1 rows after (or before) the cursor's position; in any other
/// order through a snapshot of the order taken at the first page
/// (search_snapshot.hpp). Either way a resource that keeps matching is never
/// skipped nor repeated, whatever is written between pages.
///
/// Total: when the first page holds every match, its size (both modes).
/// Otherwise `accurate` counts the matches; `estimate` is PostgreSQL's
/// planner estimate (EXPLAIN of the same query, no execution): cheap, but
/// may be far off for combined criteria. _summary=count without _total
/// counts accurately. With count 0 only the total is computed.
///
/// Throws core::invalid (400) for a cursor it did not make or a sort it
/// cannot do, core::gone (410) for the cursor of an expired snapshot (2 h);
/// libpqxx errors otherwise (mapped by with_connection).
SearchResult run_search(PooledConnection& conn, VersionCache& versions, const search::Query& q);

}  // namespace carnet::store::pg
