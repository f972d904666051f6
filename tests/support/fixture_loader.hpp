#pragma once
/// The test data sets of tests/fixtures, read as resources ready to PUT, and a
/// loader that PUTs them over real HTTP.
///
///   auto data = carnet::testing::search_fixture();        // examples + Synthea + search/data
///   auto report = carnet::testing::put_all(server, data); // PUT [type]/[id] each
///   ASSERT_TRUE(report.failures.empty()) << report.summary();
///
/// tests/fixtures/search/fixture_data.py reads the same files the same way: it
/// is what the expected results of the search cases are derived from.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"

namespace carnet::testing {

class TestServer;

/// One resource to store.
struct FixtureResource {
  std::string type;
  std::string id;
  std::string text;    ///< the JSON to PUT (decimals kept exactly as in the file)
  std::string origin;  ///< the file it came from, for messages
};

/// Every official example of `dir` (default tests/fixtures/examples) except
/// AuditEvent (the server refuses to store AuditEvents), sorted by file name.
std::vector<FixtureResource> official_examples(const std::filesystem::path& dir = {});

/// The entries of one transaction Bundle whose fullUrls are "urn:uuid:X": each
/// resource gets id X, and every string "urn:uuid:Y" naming an entry of the
/// Bundle becomes "Type/Y" (Type: that entry's resourceType). Entries with
/// another kind of fullUrl keep their id. Throws std::runtime_error when an
/// entry has no resource or no id can be found.
std::vector<FixtureResource> rewrite_transaction(const core::Json& bundle, const std::string& origin);

/// rewrite_transaction of every *.json Bundle of `dir` (default
/// tests/fixtures/synthea), sorted by file name. A resource repeated in
/// several Bundles (shared Organization/Practitioner) appears once per Bundle.
std::vector<FixtureResource> synthea_patients(const std::filesystem::path& dir = {});

/// Single resources, one per *.json file of `dir` (e.g. tests/fixtures/search/data).
std::vector<FixtureResource> resource_files(const std::filesystem::path& dir);

/// What the data-driven search suite stores: official_examples(),
/// synthea_patients(), resource_files(tests/fixtures/search/data).
std::vector<FixtureResource> search_fixture();

/// Result of put_all.
struct LoadReport {
  std::size_t stored = 0;
  std::vector<std::string> failures;  ///< "origin Type/id: status body…"
  std::string summary() const;
};

/// PUTs every resource at [type]/[id] on `server`, with `threads` keep-alive
/// connections in parallel (each resource once, in order within a thread's
/// share). 200 and 201 count as stored.
LoadReport put_all(const TestServer& server, const std::vector<FixtureResource>& resources, int threads = 4);

/// The file's text (binary-safe). Throws std::runtime_error when unreadable.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace carnet::testing
