#include "support/fixture_loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/test_server.hpp"

namespace carnet::testing {

namespace fs = std::filesystem;
using core::Json;

namespace {

constexpr std::string_view kUrn = "urn:uuid:";

fs::path fixtures_dir() {
  return fs::path(CARNET_FIXTURES_DIR);
}

std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void rewrite_urns(Json& value, const std::map<std::string, std::string>& urns) {
  if (value.is_object() || value.is_array()) {
    for (auto& child : value) rewrite_urns(child, urns);
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.starts_with(kUrn)) {
      auto it = urns.find(s);
      if (it != urns.end()) value = it->second;
    }
  }
}

FixtureResource from_json(const Json& resource, std::string origin) {
  if (!resource.is_object() || !resource.contains("resourceType") || !resource.contains("id"))
    throw std::runtime_error(origin + ": not a resource with resourceType and id");
  return {resource["resourceType"].get<std::string>(), resource["id"].get<std::string>(),
          core::to_json_text(resource), std::move(origin)};
}

}  // namespace

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<FixtureResource> official_examples(const fs::path& dir) {
  std::vector<FixtureResource> out;
  for (const auto& file : json_files(dir.empty() ? fixtures_dir() / "examples" : dir)) {
    Json r = core::parse_json(read_text_file(file), 1000);
    if (r.value("resourceType", "") == "AuditEvent") continue;
    out.push_back(from_json(r, file.filename().string()));
  }
  return out;
}

std::vector<FixtureResource> rewrite_transaction(const Json& bundle, const std::string& origin) {
  if (!bundle.contains("entry") || !bundle["entry"].is_array())
    throw std::runtime_error(origin + ": a Bundle with entries is expected");
  std::map<std::string, std::string> urns;  // "urn:uuid:X" -> "Type/X"
  for (const auto& e : bundle["entry"]) {
    if (!e.contains("resource")) throw std::runtime_error(origin + ": an entry without resource");
    std::string full = e.value("fullUrl", "");
    if (full.starts_with(kUrn))
      urns[full] = e["resource"]["resourceType"].get<std::string>() + "/" + full.substr(kUrn.size());
  }
  std::vector<FixtureResource> out;
  for (const auto& e : bundle["entry"]) {
    Json r = e["resource"];
    rewrite_urns(r, urns);
    std::string full = e.value("fullUrl", "");
    if (full.starts_with(kUrn)) r["id"] = full.substr(kUrn.size());
    out.push_back(from_json(r, origin));
  }
  return out;
}

std::vector<FixtureResource> synthea_patients(const fs::path& dir) {
  std::vector<FixtureResource> out;
  for (const auto& file : json_files(dir.empty() ? fixtures_dir() / "synthea" : dir)) {
    auto part = rewrite_transaction(core::parse_json(read_text_file(file), 1000), file.filename().string());
    out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  return out;
}

std::vector<FixtureResource> resource_files(const fs::path& dir) {
  std::vector<FixtureResource> out;
  for (const auto& file : json_files(dir))
    out.push_back(from_json(core::parse_json(read_text_file(file), 1000), file.filename().string()));
  return out;
}

std::vector<FixtureResource> search_fixture() {
  auto all = official_examples();
  auto syn = synthea_patients();
  auto own = resource_files(fixtures_dir() / "search" / "data");
  all.insert(all.end(), syn.begin(), syn.end());
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

std::string LoadReport::summary() const {
  std::string s = std::to_string(stored) + " stored, " + std::to_string(failures.size()) + " failed";
  for (std::size_t i = 0; i < failures.size() && i < 20; ++i) s += "\n  " + failures[i];
  if (failures.size() > 20) s += "\n  ...";
  return s;
}

LoadReport put_all(const TestServer& server, const std::vector<FixtureResource>& resources, int threads) {
  // One PUT per (type, id): the last copy wins (Synthea Bundles repeat identical
  // Organizations and Practitioners). Two PUTs of one id never race.
  std::map<std::pair<std::string, std::string>, const FixtureResource*> last;
  std::vector<const FixtureResource*> order;
  for (const auto& r : resources) {
    auto [it, inserted] = last.try_emplace({r.type, r.id}, &r);
    if (inserted) order.push_back(&r);
    it->second = &r;
  }
  for (auto& p : order) p = last.at({p->type, p->id});

  LoadReport report;
  std::mutex mutex;
  threads = std::max(1, threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<std::string> failures;
      std::size_t stored = 0;
      try {
        auto http = server.client();
        for (std::size_t i = static_cast<std::size_t>(t); i < order.size();
             i += static_cast<std::size_t>(threads)) {
          const auto& r = *order[i];
          auto put = http.request("PUT", "/fhir/" + r.type + "/" + r.id, fhir_json_headers(), r.text);
          if (put.status == 200 || put.status == 201)
            ++stored;
          else
            failures.push_back(r.origin + " " + r.type + "/" + r.id + ": " + std::to_string(put.status) +
                               " " + put.body.substr(0, 300));
        }
      } catch (const std::exception& e) {
        failures.push_back(std::string("loader thread: ") + e.what());
      }
      std::lock_guard lock(mutex);
      report.stored += stored;
      report.failures.insert(report.failures.end(), failures.begin(), failures.end());
    });
  }
  for (auto& w : workers) w.join();
  return report;
}

}  // namespace carnet::testing
