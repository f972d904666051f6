// The config loader as an administrator meets it: what a file yields, and the
// message (file, dotted key, problem) when it is wrong.

#include "carnet/config/config.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

namespace carnet::config {
namespace {

// gtest only (the test targets do not link gmock): message checks as assertions.
::testing::AssertionResult starts_with(const std::string& text, const std::string& prefix) {
  if (text.starts_with(prefix)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not start with \"" << prefix << "\"";
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in \"" << text.substr(0, 200) << "\"";
}

const std::filesystem::path kSourceDir = CARNET_SOURCE_DIR;

// Every key the loader accepts; the example file and the reference must list all of them.
const std::set<std::string> kAllKeys = {
    "server.base_url",
    "server.data_dir",
    "server.schemas_dir",
    "server.log_level",
    "http.enabled",
    "http.host",
    "http.port",
    "https.enabled",
    "https.host",
    "https.port",
    "tls.certificate",
    "tls.private_key",
    "limits.max_body_bytes",
    "limits.max_header_bytes",
    "limits.max_json_depth",
    "limits.read_timeout_seconds",
    "limits.idle_timeout_seconds",
    "limits.max_connections",
    "threads.io",
    "threads.workers",
    "database.url",
    "database.pool_size",
    "database.version_cache_mb",
    "database.embedded.port",
    "database.embedded.bin_dir",
    "database.embedded.shared_buffers_mb",
    "audit.max_batch",
    "audit.commit_delay_us",
};

Config load(const std::string& toml) {
  return load_string(toml, "carnet.toml");
}

// The message load() throws, or "" when the text loads.
std::string error_of(const std::string& toml) {
  try {
    load(toml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

void expect_defaults(const Config& c) {
  EXPECT_EQ(c.server.base_url, "");
  EXPECT_EQ(c.server.data_dir, "var");
  EXPECT_EQ(c.server.schemas_dir, "schemas");
  EXPECT_EQ(c.server.log_level, "info");
  EXPECT_TRUE(c.http.enabled);
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_TRUE(c.https.enabled);
  EXPECT_EQ(c.https.host, "127.0.0.1");
  EXPECT_EQ(c.https.port, 8443);
  EXPECT_EQ(c.tls.certificate, "");
  EXPECT_EQ(c.tls.private_key, "");
  EXPECT_EQ(c.limits.max_body_bytes, 16u * 1024 * 1024);
  EXPECT_EQ(c.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(c.limits.max_json_depth, 64u);
  EXPECT_EQ(c.limits.read_timeout_seconds, 30u);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 60u);
  EXPECT_EQ(c.limits.max_connections, 1024u);
  EXPECT_EQ(c.threads.io, 1u);
  EXPECT_EQ(c.threads.workers, 0u);
  EXPECT_EQ(c.database.url, "");
  EXPECT_EQ(c.database.pool_size, 0u);
  EXPECT_EQ(c.database.version_cache_mb, 256u);
  EXPECT_EQ(c.database.embedded.port, 54329);
  EXPECT_EQ(c.database.embedded.bin_dir, "");
  EXPECT_EQ(c.database.embedded.shared_buffers_mb, 0u);
  EXPECT_EQ(c.audit.max_batch, 512u);
  EXPECT_EQ(c.audit.commit_delay_us, 2500u);
}

// Dotted paths of every value (not table) in `table`.
void collect_keys(const toml::table& table, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [key, node] : table) {
    const std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      collect_keys(*sub, path, out);
    } else {
      out.insert(path);
    }
  }
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConfigLoad, EmptyFileGivesDefaults) {
  expect_defaults(load(""));
}

TEST(ConfigLoad, EmptyTablesGiveDefaults) {
  expect_defaults(
      load("[server]\n[http]\n[https]\n[tls]\n[limits]\n[threads]\n[database]\n"
           "[database.embedded]\n[audit]\n"));
}

TEST(ConfigLoad, EveryKeyIsRead) {
  const Config c = load(R"(
[server]
base_url = "https://carnet.example.org/fhir"
data_dir = "/srv/carnet"
schemas_dir = "/usr/share/carnet/schemas"
log_level = "debug"

[http]
enabled = false
host = "0.0.0.0"
port = 80

[https]
enabled = true
host = "::"
port = 443

[tls]
certificate = "/etc/carnet/cert.pem"
private_key = "/etc/carnet/key.pem"

[limits]
max_body_bytes = 1048576
max_header_bytes = 8192
max_json_depth = 32
read_timeout_seconds = 10
idle_timeout_seconds = 20
max_connections = 100

[threads]
io = 4
workers = 12

[database]
url = "postgresql://carnet@db.internal/carnet"
pool_size = 24
version_cache_mb = 512

[database.embedded]
port = 55432
bin_dir = "/usr/lib/postgresql/15/bin"
shared_buffers_mb = 2048

[audit]
max_batch = 64
commit_delay_us = 0
)");
  EXPECT_EQ(c.server.base_url, "https://carnet.example.org/fhir");
  EXPECT_EQ(c.server.data_dir, "/srv/carnet");
  EXPECT_EQ(c.server.schemas_dir, "/usr/share/carnet/schemas");
  EXPECT_EQ(c.server.log_level, "debug");
  EXPECT_FALSE(c.http.enabled);
  EXPECT_EQ(c.http.host, "0.0.0.0");
  EXPECT_EQ(c.http.port, 80);
  EXPECT_TRUE(c.https.enabled);
  EXPECT_EQ(c.https.host, "::");
  EXPECT_EQ(c.https.port, 443);
  EXPECT_EQ(c.tls.certificate, "/etc/carnet/cert.pem");
  EXPECT_EQ(c.tls.private_key, "/etc/carnet/key.pem");
  EXPECT_EQ(c.limits.max_body_bytes, 1048576u);
  EXPECT_EQ(c.limits.max_header_bytes, 8192u);
  EXPECT_EQ(c.limits.max_json_depth, 32u);
  EXPECT_EQ(c.limits.read_timeout_seconds, 10u);
  EXPECT_EQ(c.limits.idle_timeout_seconds, 20u);
  EXPECT_EQ(c.limits.max_connections, 100u);
  EXPECT_EQ(c.threads.io, 4u);
  EXPECT_EQ(c.threads.workers, 12u);
  EXPECT_EQ(c.database.url, "postgresql://carnet@db.internal/carnet");
  EXPECT_EQ(c.database.pool_size, 24u);
  EXPECT_EQ(c.database.version_cache_mb, 512u);
  EXPECT_EQ(c.database.embedded.port, 55432);
  EXPECT_EQ(c.database.embedded.bin_dir, "/usr/lib/postgresql/15/bin");
  EXPECT_EQ(c.database.embedded.shared_buffers_mb, 2048u);
  EXPECT_EQ(c.audit.max_batch, 64u);
  EXPECT_EQ(c.audit.commit_delay_us, 0u);
}

TEST(ConfigLoad, PoolSizeZeroFollowsTheCores) {
  EXPECT_EQ(config::pool_size_for_cores(0), 4u);  // unknown
  EXPECT_EQ(config::pool_size_for_cores(2), 4u);
  EXPECT_EQ(config::pool_size_for_cores(8), 16u);
  EXPECT_EQ(config::pool_size_for_cores(1000), 256u);
  config::DatabaseConfig d;
  EXPECT_EQ(config::effective_pool_size(d), config::pool_size_for_cores(std::thread::hardware_concurrency()));
  d.pool_size = 3;
  EXPECT_EQ(config::effective_pool_size(d), 3u);
}

TEST(ConfigLoad, AbsentKeysKeepDefaultsNextToSetOnes) {
  const Config c = load("[limits]\nmax_json_depth = 8\n[https]\nport = 0\n");
  EXPECT_EQ(c.limits.max_json_depth, 8u);
  EXPECT_EQ(c.limits.max_body_bytes, 16u * 1024 * 1024);
  EXPECT_EQ(c.https.port, 0);
  EXPECT_EQ(c.https.host, "127.0.0.1");
}

TEST(ConfigLoad, InlineTablesAndDottedKeysAreAccepted) {
  const Config c = load("http = { port = 9090 }\ndatabase.embedded.port = 5433\n");
  EXPECT_EQ(c.http.port, 9090);
  EXPECT_EQ(c.database.embedded.port, 5433);
}

TEST(ConfigLoad, BaseUrlTrailingSlashIsRemoved) {
  EXPECT_EQ(load("[server]\nbase_url = \"http://localhost:8080/fhir/\"\n").server.base_url,
            "http://localhost:8080/fhir");
}

TEST(ConfigLoad, OneTlsFileIsAcceptedWhenHttpsIsDisabled) {
  const Config c = load("[https]\nenabled = false\n[tls]\ncertificate = \"cert.pem\"\n");
  EXPECT_FALSE(c.https.enabled);
  EXPECT_EQ(c.tls.certificate, "cert.pem");
}

TEST(ConfigLoad, KeywordValueDatabaseUrlIsAccepted) {
  EXPECT_EQ(load("[database]\nurl = \"host=db dbname=carnet\"\n").database.url, "host=db dbname=carnet");
}

TEST(ConfigLoad, EveryLogLevelIsAccepted) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    EXPECT_EQ(load(std::string("[server]\nlog_level = \"") + level + "\"\n").server.log_level, level);
  }
}

// One bad file and the start of the message it must produce.
struct BadCase {
  const char* name;
  const char* toml;
  const char* message;
};

class ConfigBadFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigBadFile, NamesFileAndKey) {
  EXPECT_TRUE(starts_with(error_of(GetParam().toml), GetParam().message));
}

const BadCase kBadCases[] = {
    // Unknown names.
    {"UnknownTable", "[serveur]\nport = 1\n", "carnet.toml: serveur: unknown table"},
    {"UnknownTopLevelKey", "port = 1\n", "carnet.toml: port: unknown key"},
    {"UnknownKey", "[limits]\nmax_body = 1\n", "carnet.toml: limits.max_body: unknown key"},
    {"UnknownNestedKey", "[database.embedded]\nhost = \"x\"\n",
     "carnet.toml: database.embedded.host: unknown key"},
    {"UnknownNestedTable", "[database.replica]\nurl = \"x\"\n",
     "carnet.toml: database.replica: unknown table"},
    {"FirstUnknownKeyInFile", "[tls]\nzzz = 1\naaa = 2\n", "carnet.toml: tls.zzz: unknown key"},
    // Wrong types.
    {"StringForInteger", "[http]\nport = \"80\"\n",
     "carnet.toml: http.port: expected an integer, got a string"},
    {"FloatForInteger", "[limits]\nmax_body_bytes = 1.5\n",
     "carnet.toml: limits.max_body_bytes: expected an integer, got a float"},
    {"IntegerForBoolean", "[https]\nenabled = 1\n",
     "carnet.toml: https.enabled: expected a boolean, got an integer"},
    {"IntegerForString", "[server]\ndata_dir = 3\n",
     "carnet.toml: server.data_dir: expected a string, got an integer"},
    {"ArrayForString", "[database]\nurl = []\n",
     "carnet.toml: database.url: expected a string, got an array"},
    {"ValueForTable", "server = 1\n", "carnet.toml: server: expected a table, got an integer"},
    {"ValueForNestedTable", "[database]\nembedded = true\n",
     "carnet.toml: database.embedded: expected a table, got a boolean"},
    // Out of range.
    {"PortAbove65535", "[http]\nport = 65536\n", "carnet.toml: http.port: must be between 0 and 65535"},
    {"NegativePort", "[https]\nport = -1\n", "carnet.toml: https.port: must be between 0 and 65535"},
    {"EmbeddedPortZero", "[database.embedded]\nport = 0\n",
     "carnet.toml: database.embedded.port: must be between 1 and 65535"},
    {"ZeroBody", "[limits]\nmax_body_bytes = 0\n", "carnet.toml: limits.max_body_bytes: must be > 0"},
    {"NegativeBody", "[limits]\nmax_body_bytes = -5\n", "carnet.toml: limits.max_body_bytes: must be > 0"},
    {"ZeroHeader", "[limits]\nmax_header_bytes = 0\n", "carnet.toml: limits.max_header_bytes: must be > 0"},
    {"ZeroConnections", "[limits]\nmax_connections = 0\n",
     "carnet.toml: limits.max_connections: must be > 0"},
    {"ZeroReadTimeout", "[limits]\nread_timeout_seconds = 0\n",
     "carnet.toml: limits.read_timeout_seconds: must be between 1 and 86400"},
    {"HugeIdleTimeout", "[limits]\nidle_timeout_seconds = 86401\n",
     "carnet.toml: limits.idle_timeout_seconds: must be between 1 and 86400"},
    {"ShallowJson", "[limits]\nmax_json_depth = 7\n", "carnet.toml: limits.max_json_depth: must be >= 8"},
    {"NegativePool", "[database]\npool_size = -1\n",
     "carnet.toml: database.pool_size: must be between 0 and 256"},
    {"HugePool", "[database]\npool_size = 257\n",
     "carnet.toml: database.pool_size: must be between 0 and 256"},
    {"ZeroIoThreads", "[threads]\nio = 0\n", "carnet.toml: threads.io: must be between 1 and 256"},
    {"NegativeWorkers", "[threads]\nworkers = -1\n",
     "carnet.toml: threads.workers: must be between 0 and 1024"},
    {"ZeroBatch", "[audit]\nmax_batch = 0\n", "carnet.toml: audit.max_batch: must be > 0"},
    {"LongCommitDelay", "[audit]\ncommit_delay_us = 100001\n",
     "carnet.toml: audit.commit_delay_us: must be between 0 and 100000"},
    // Values and cross-key rules.
    {"CertificateWithoutKey", "[tls]\ncertificate = \"cert.pem\"\n",
     "carnet.toml: tls.private_key: must be set when tls.certificate is set"},
    {"KeyWithoutCertificate", "[tls]\nprivate_key = \"key.pem\"\n",
     "carnet.toml: tls.certificate: must be set when tls.private_key is set"},
    {"UnknownLogLevel", "[server]\nlog_level = \"verbose\"\n",
     "carnet.toml: server.log_level: must be one of"},
    {"UppercaseLogLevel", "[server]\nlog_level = \"INFO\"\n",
     "carnet.toml: server.log_level: must be one of"},
    {"BaseUrlWithoutScheme", "[server]\nbase_url = \"carnet.example.org/fhir\"\n",
     "carnet.toml: server.base_url: must start with http:// or https://"},
    {"BaseUrlFtp", "[server]\nbase_url = \"ftp://carnet.example.org\"\n",
     "carnet.toml: server.base_url: must start with http:// or https://"},
    {"BaseUrlWithoutHost", "[server]\nbase_url = \"https://\"\n",
     "carnet.toml: server.base_url: has no host"},
    {"BaseUrlWithQuery", "[server]\nbase_url = \"https://x/fhir?a=b\"\n",
     "carnet.toml: server.base_url: must not contain"},
    {"EmptyDataDir", "[server]\ndata_dir = \"\"\n", "carnet.toml: server.data_dir: must not be empty"},
    {"EmptyHost", "[http]\nhost = \"\"\n", "carnet.toml: http.host: must not be empty"},
    {"SamePorts", "[http]\nport = 9000\n[https]\nport = 9000\n",
     "carnet.toml: https.port: is the same as http.port"},
    {"BadDatabaseUrl", "[database]\nurl = \"mysql://db\"\n",
     "carnet.toml: database.url: must be a postgresql://"},
    // Syntax: file, line and column.
    {"UnclosedTableHeader", "[server]\nlog_level = \"info\"\n[limits\n", "carnet.toml:3:"},
    {"MissingValue", "[server]\nbase_url =\n", "carnet.toml:2:"},
    {"DuplicateKey", "[http]\nport = 1\nport = 2\n", "carnet.toml:3:"},
};

INSTANTIATE_TEST_SUITE_P(BadFiles, ConfigBadFile, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(ConfigErrorDetail, KeyErrorsGiveTheLine) {
  EXPECT_TRUE(contains(error_of("[server]\n\n[limits]\n\nmax_body_bytes = 0\n"), "(line 5)"));
}

TEST(ConfigErrorDetail, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_TRUE(starts_with(error_of("[http]\nport = 80x\n"), "carnet.toml:2:10: "));
}

TEST(ConfigFile, MissingFileNamesThePath) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "carnet-no-such-file.toml";
  try {
    load_file(path);
    FAIL() << "loaded a missing file";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(starts_with(e.what(), path.string() + ": cannot open"));
  }
}

TEST(ConfigFile, ErrorsNameTheFilePath) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "carnet-config-test.toml";
  std::ofstream(path) << "[limits]\nmax_body_bytes = 0\n";
  try {
    load_file(path);
    FAIL() << "loaded an invalid file";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(starts_with(e.what(), path.string() + ": limits.max_body_bytes: must be > 0"));
  }
  std::filesystem::remove(path);
}

TEST(ConfigFile, ExampleLoadsAndSetsTheDefaults) {
  expect_defaults(load_file(kSourceDir / "config" / "carnet.example.toml"));
}

TEST(ConfigFile, ExampleSetsEveryKey) {
  const toml::table example = toml::parse_file((kSourceDir / "config" / "carnet.example.toml").string());
  std::set<std::string> keys;
  collect_keys(example, "", keys);
  EXPECT_EQ(keys, kAllKeys);
}

TEST(ConfigFile, DefaultFileLoadsAndSetsNothing) {
  expect_defaults(load_file(kSourceDir / "config" / "carnet.toml"));
}

TEST(ConfigFile, ReferenceDocumentsEveryKey) {
  const std::string reference = read_text(kSourceDir / "docs" / "configuration.md");
  ASSERT_FALSE(reference.empty());
  for (const auto& key : kAllKeys) {
    EXPECT_TRUE(contains(reference, "`" + key + "`")) << key;
  }
}

}  // namespace
}  // namespace carnet::config
