#include "carnet/store/embedded_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <locale.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "store/pg/process.hpp"

namespace carnet::store {

namespace fs = std::filesystem;
using pg::RunAs;

namespace {

constexpr const char* kPortKey = "database.embedded.port";
constexpr const char* kSuperuser = "carnet";
constexpr const char* kDatabase = "carnet";

/// Absolute, normalised, without a trailing slash (so parent_path() is the parent).
fs::path normalise(const fs::path& p) {
  fs::path n = fs::absolute(p).lexically_normal();
  return n.has_filename() ? n : n.parent_path();
}

/// Newest /usr/lib/postgresql/<N>/bin holding initdb (Debian's layout).
fs::path find_bin_dir() {
  fs::path best;
  long best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    long version = 0;
    auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), version);
    if (err != std::errc{} || end != name.data() + name.size()) continue;
    if (version > best_version && fs::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = entry.path() / "bin";
    }
  }
  if (best.empty())
    throw std::runtime_error(
        "no PostgreSQL server found under /usr/lib/postgresql/*/bin (install postgresql)");
  return best;
}

/// 32 random bytes as hex: URL- and conninfo-safe, so no escaping is ever needed.
std::string random_password() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "getrandom");
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0xF];
  }
  return hex;
}

/// Writes `content` to `path` with `mode` (set before any byte is written), owned
/// by `owner` when given. An existing file is truncated and re-moded.
void write_file(const fs::path& path, const std::string& content, mode_t mode, const RunAs* owner) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
  bool ok = ::fchmod(fd, mode) == 0 && (owner == nullptr || ::fchown(fd, owner->uid, owner->gid) == 0);
  std::size_t done = 0;
  while (ok && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  int err = errno;
  ::close(fd);
  if (!ok) throw std::system_error(err, std::generic_category(), "write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, std::size_t max_chars = 2000) {
  return text.size() <= max_chars ? text : "..." + text.substr(text.size() - max_chars);
}

/// Makes every ancestor of `data_dir` searchable by `user`, who must reach the
/// folder to run the cluster. Only the "other" search bit is ever added (a
/// `mktemp -d` folder is 0700 root); a folder whose owner or group class denies
/// the user cannot be fixed that way, so it is reported instead.
void ensure_traversable(const fs::path& data_dir, const RunAs& user) {
  for (fs::path dir = data_dir.parent_path();; dir = dir.parent_path()) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
      throw std::system_error(errno, std::generic_category(), "stat " + dir.string());
    mode_t needed = S_IXOTH;
    if (st.st_uid == user.uid)
      needed = S_IXUSR;
    else if (std::find(user.groups.begin(), user.groups.end(), st.st_gid) != user.groups.end())
      needed = S_IXGRP;
    if ((st.st_mode & needed) == 0) {
      if (needed != S_IXOTH)
        throw std::runtime_error("user " + user.name + " cannot enter " + dir.string() +
                                 " (owner/group permission lacks x); fix its permissions");
      if (::chmod(dir.c_str(), (st.st_mode & 07777) | S_IXOTH) != 0)
        throw std::system_error(errno, std::generic_category(), "chmod o+x " + dir.string());
      spdlog::warn("embedded PostgreSQL: added o+x (search only) to {} so that user {} can reach {}",
                   dir.string(), user.name, data_dir.string());
    }
    if (dir == dir.root_path() || dir.parent_path() == dir) break;
  }
}

/// True when something already listens on (or holds) 127.0.0.1:port.
bool port_in_use(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;  // cannot tell; let PostgreSQL report it
  int one = 1;
  // Like PostgreSQL itself, ignore TIME_WAIT leftovers of a previous run.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool in_use = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return in_use;
}

std::runtime_error port_taken(std::uint16_t port) {
  return std::runtime_error("embedded PostgreSQL cannot listen on 127.0.0.1:" + std::to_string(port) +
                            ": the port is already in use by another program; choose a free port with " +
                            kPortKey);
}

/// shared_buffers: the configured size, else a quarter of physical memory
/// within [128 MiB, 8 GiB] (PostgreSQL's own advice for a dedicated machine;
/// the default 128 MiB makes every search re-read index pages from the OS).
/// Throwaway test clusters keep 128 MiB: many run side by side.
std::uint64_t shared_buffers_mb(const EmbeddedClusterOptions& o) {
  if (o.shared_buffers_mb != 0) return o.shared_buffers_mb;
  if (!o.fsync) return 128;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 256;
  const std::uint64_t quarter_mb =
      static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size) / 4 / (1024 * 1024);
  return std::clamp<std::uint64_t>(quarter_mb, 128, 8192);
}

/// Where the server's Unix socket goes: the cluster folder itself (mode 0700,
/// so only its owner and root reach the socket), when its path fits in a
/// socket address; else nowhere (TCP only).
std::optional<fs::path> socket_dir(const fs::path& data_dir) {
  constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
  if ((data_dir / ".s.PGSQL.65535").string().size() > kMaxSocketPath) return std::nullopt;
  if (data_dir.string().find_first_of("'\\") != std::string::npos)
    return std::nullopt;  // kept out of the conf
  return data_dir;
}

/// The client authentication rules, rewritten before each start (clusters
/// made before the Unix socket existed get its line too): SCRAM passwords
/// over loopback TCP and over the socket; no peer or trust authentication.
constexpr const char* kHbaConf =
    "# Written by Carnet on each start: SCRAM passwords over the Unix socket and loopback TCP.\n"
    "local all all scram-sha-256\n"
    "host all all 127.0.0.1/32 scram-sha-256\n";

/// The settings Carnet owns, rewritten before each start so that a changed port
/// takes effect; postgresql.conf includes this file (see initialise()).
std::string carnet_conf(const EmbeddedClusterOptions& o, const fs::path& data_dir) {
  std::string conf = "# Written by Carnet on each start; edits here are lost.\n";
  conf += "listen_addresses = '127.0.0.1'\n";
  conf += "port = " + std::to_string(o.port) + "\n";
  // Carnet connects through the socket when there is one: a round trip over
  // it costs less kernel work than loopback TCP on both sides. TCP stays
  // for tools (psql -h 127.0.0.1, pg_dump).
  const auto socket = socket_dir(data_dir);
  conf += "unix_socket_directories = '" + (socket ? socket->string() : std::string()) + "'\n";
  conf += "unix_socket_permissions = 0700\n";
  conf += "max_connections = 100\n";
  conf += "shared_buffers = " + std::to_string(shared_buffers_mb(o)) + "MB\n";
  conf += "password_encryption = 'scram-sha-256'\n";
  conf += "logging_collector = on\nlog_directory = 'log'\n";  // relative to the data folder
  // Every request commits (its audit record at least): spread checkpoints out
  // so that their flushes do not stall commits. (commit_delay was measured to
  // hurt here: concurrent commits already share WAL flushes.)
  conf += "max_wal_size = 4GB\ncheckpoint_timeout = 15min\ncheckpoint_completion_target = 0.9\n";
  conf += "wal_buffers = 16MB\n";
  if (!o.fsync) conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  return conf;
}

/// The port a running server listens on: line 4 of postmaster.pid.
std::optional<std::uint16_t> running_port(const fs::path& data_dir) {
  std::istringstream in(read_file(data_dir / "postmaster.pid"));
  std::string line;
  for (int i = 0; i < 4 && std::getline(in, line); ++i) {
  }
  unsigned value = 0;
  auto [end, err] = std::from_chars(line.data(), line.data() + line.size(), value);
  if (err != std::errc{} || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

/// Everything start() needs, resolved once per call.
struct Context {
  fs::path data_dir, parent, password_file, startup_log, bin_dir;
  std::optional<RunAs> run_as;  // set when we are root
  const RunAs* owner() const { return run_as ? &*run_as : nullptr; }
  pg::ProcessResult run(const char* tool, const std::vector<std::string>& args,
                        const std::vector<std::string>& default_env = {}) const {
    return pg::run_process(bin_dir / tool, args, run_as, default_env);
  }
};

// glibc's malloc for the server's processes (unless the environment sets it).
// By default it hands the free top of a backend's heap back to the kernel
// past 128 KB, and a search's index scans allocate and free blocks there
// (btbeginscan, ~27 KB each): every statement then shrank the heap (brk, a
// TLB shootdown interrupting every CPU) and grew it again (page faults). On
// the 2-core benchmark machine that was a sixth of the backends' CPU and a
// third of a search's PostgreSQL CPU (docs/benchmarks.md). Keeping up to 64
// MiB of free heap per process, growing it 4 MiB at a time, and serving
// blocks up to 32 MiB from the heap rather than separate mappings stops it;
// a backend's heap then stays near its high-water mark.
const std::vector<std::string> kServerMalloc = {"MALLOC_TRIM_THRESHOLD_=67108864", "MALLOC_TOP_PAD_=4194304",
                                                "MALLOC_MMAP_THRESHOLD_=33554432"};

/// First start: password file, initdb (as the postgres user when root), config.
void initialise(const Context& c) {
  const std::string password = random_password();
  write_file(c.password_file, password + "\n", 0600, nullptr);  // stays the running user's

  if (c.run_as) {
    fs::create_directories(c.data_dir);
    if (::chown(c.data_dir.c_str(), c.run_as->uid, c.run_as->gid) != 0 ||
        ::chmod(c.data_dir.c_str(), 0700) != 0)
      throw std::system_error(errno, std::generic_category(), "chown/chmod " + c.data_dir.string());
  }
  // initdb reads the password from a file (never argv, which `ps` shows);
  // it must be readable by the postgres user, and it is removed right after.
  std::string pattern = (c.parent / ".pg-pwfile-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "mkstemp in " + c.parent.string());
  ::close(fd);
  const fs::path pwfile = pattern;
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } remove_pwfile{pwfile};
  write_file(pwfile, password + "\n", 0600, c.owner());

  // C.UTF-8 sorts by code point, identical on every machine; plain C is the fallback.
  locale_t probe = ::newlocale(LC_ALL_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  const std::string locale = probe != nullptr ? "C.UTF-8" : "C";
  if (probe != nullptr) ::freelocale(probe);

  spdlog::info("embedded PostgreSQL: initdb {} (locale {})", c.data_dir.string(), locale);
  auto r = c.run("initdb", {"-D", c.data_dir.string(), "-U", kSuperuser, "--auth=scram-sha-256",
                            "--pwfile=" + pwfile.string(), "-E", "UTF8", "--locale=" + locale});
  if (r.exit_code != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(r.exit_code) + "):\n" + tail(r.output));

  // Appending keeps Debian's defaults visible; our own settings live in carnet.conf.
  std::ofstream(c.data_dir / "postgresql.conf", std::ios::app)
      << "\n# Carnet's settings (rewritten on each start)\ninclude 'carnet.conf'\n";
  write_file(c.data_dir / "pg_hba.conf", kHbaConf, 0600, c.owner());
}

/// `text` with every byte but letters, digits and `-._~/` as %XX (a path in a URI query).
std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += {'%', kHex[ch >> 4], kHex[ch & 15]};
    }
  }
  return out;
}

/// Connects as the superuser to database "postgres" and creates "carnet" if missing.
void ensure_database(std::uint16_t port, const std::string& password) {
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " user=" + kSuperuser +
                               " password=" + password + " dbname=postgres connect_timeout=10";
  // A reused server may still be starting up or recovering; give it a moment.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      pqxx::connection conn(conninfo);
      pqxx::nontransaction tx(conn);
      if (tx.exec("SELECT 1 FROM pg_database WHERE datname = 'carnet'").empty()) {
        try {
          tx.exec("CREATE DATABASE carnet");
          spdlog::info("embedded PostgreSQL: created database {}", kDatabase);
        } catch (const pqxx::sql_error& e) {
          if (e.sqlstate() != "42P04") throw;  // 42P04 duplicate_database: someone else made it
        }
      }
      return;
    } catch (const pqxx::broken_connection& e) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("embedded PostgreSQL on 127.0.0.1:" + std::to_string(port) +
                                 " does not accept connections: " + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

}  // namespace

EmbeddedCluster::EmbeddedCluster(EmbeddedClusterOptions options) : options_(std::move(options)) {}

EmbeddedCluster::~EmbeddedCluster() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("embedded PostgreSQL: stop failed: {}", e.what());
  } catch (...) {
    spdlog::error("embedded PostgreSQL: stop failed with an unknown error");
  }
}

std::string EmbeddedCluster::start() {
  Context c;
  c.data_dir = normalise(options_.data_dir);
  c.parent = c.data_dir.parent_path();
  c.password_file = c.parent / "pg-password";
  c.startup_log = c.parent / "pg-startup.log";
  c.bin_dir = options_.bin_dir.empty() ? find_bin_dir() : options_.bin_dir;
  if (::geteuid() == 0) {
    // initdb and postgres refuse to run as root.
    c.run_as = pg::lookup_user("postgres");
    if (!c.run_as)
      throw std::runtime_error(
          "running as root, the embedded PostgreSQL needs the 'postgres' system user "
          "(PostgreSQL refuses root); install postgresql or run Carnet as another user");
  }
  fs::create_directories(c.parent);
  if (c.run_as) ensure_traversable(c.data_dir, *c.run_as);

  if (!fs::exists(c.data_dir / "PG_VERSION")) initialise(c);
  if (!fs::exists(c.password_file))
    throw std::runtime_error("embedded PostgreSQL: " + c.password_file.string() +
                             " is missing; the cluster in " + c.data_dir.string() +
                             " cannot be opened without it");
  std::string password = read_file(c.password_file);
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();

  std::uint16_t port = options_.port;
  auto status = c.run("pg_ctl", {"status", "-D", c.data_dir.string()});
  if (status.exit_code == 0) {
    // Already running (an earlier Carnet, or an operator): use it, leave it running.
    started_here_ = false;
    if (auto actual = running_port(c.data_dir); actual && *actual != port) {
      spdlog::warn("embedded PostgreSQL in {} already runs on port {}, not {}; using {}", c.data_dir.string(),
                   *actual, port, *actual);
      port = *actual;
    }
    spdlog::info("embedded PostgreSQL: reusing the server running in {}", c.data_dir.string());
  } else {
    if (port_in_use(port)) throw port_taken(port);
    write_file(c.data_dir / "carnet.conf", carnet_conf(options_, c.data_dir), 0600, c.owner());
    write_file(c.data_dir / "pg_hba.conf", kHbaConf, 0600, c.owner());
    // pg_ctl (as postgres) appends to this log; the parent folder stays ours.
    if (!fs::exists(c.startup_log)) {
      write_file(c.startup_log, "", 0600, c.owner());
    } else if (c.run_as && ::chown(c.startup_log.c_str(), c.run_as->uid, c.run_as->gid) != 0) {
      throw std::system_error(errno, std::generic_category(), "chown " + c.startup_log.string());
    }

    spdlog::info("embedded PostgreSQL: starting {} on 127.0.0.1:{}", c.data_dir.string(), port);
    auto r =
        c.run("pg_ctl", {"start", "-w", "-t", "60", "-D", c.data_dir.string(), "-l", c.startup_log.string()},
              kServerMalloc);
    if (r.exit_code != 0) {
      const std::string log = tail(read_file(c.startup_log));
      if (log.find("Address already in use") != std::string::npos) throw port_taken(port);
      throw std::runtime_error("pg_ctl start failed (exit " + std::to_string(r.exit_code) + "):\n" +
                               tail(r.output) + "\n" + c.startup_log.string() + ":\n" + log);
    }
    started_here_ = true;
  }

  ensure_database(port, password);
  // The socket, when this server has one (a reused server may predate it).
  const auto socket = socket_dir(c.data_dir);
  if (socket && fs::exists(*socket / (".s.PGSQL." + std::to_string(port)))) {
    return "postgresql://" + std::string(kSuperuser) + ":" + password + "@/" + kDatabase +
           "?host=" + percent_encode(socket->string()) + "&port=" + std::to_string(port);
  }
  return "postgresql://" + std::string(kSuperuser) + ":" + password + "@127.0.0.1:" + std::to_string(port) +
         "/" + kDatabase;
}

void EmbeddedCluster::stop() {
  if (!started_here_) return;
  started_here_ = false;  // one attempt: a failed stop is reported, not retried by the destructor
  const fs::path data_dir = normalise(options_.data_dir);
  std::optional<RunAs> run_as;
  if (::geteuid() == 0) run_as = pg::lookup_user("postgres");
  const fs::path bin_dir = options_.bin_dir.empty() ? find_bin_dir() : options_.bin_dir;
  auto r = pg::run_process(bin_dir / "pg_ctl", {"stop", "-m", "fast", "-w", "-D", data_dir.string()}, run_as);
  if (r.exit_code != 0)
    throw std::runtime_error("pg_ctl stop failed (exit " + std::to_string(r.exit_code) + "):\n" +
                             tail(r.output));
  spdlog::info("embedded PostgreSQL: stopped {}", data_dir.string());
}

}  // namespace carnet::store
