#include "carnet/app/cli.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/database.hpp"
#include "carnet/app/instance.hpp"
#include "carnet/config/config.hpp"
#include "carnet/core/error.hpp"
#include "carnet/store/pg_store.hpp"

namespace carnet::app {

namespace {

constexpr const char* kUsage =
    "Usage: carnet <command> [--config FILE]\n"
    "\n"
    "Commands:\n"
    "  serve          run the FHIR server (embedded PostgreSQL unless database.url is set)\n"
    "  migrate        apply pending database migrations, then exit\n"
    "  config check   load and validate the configuration, then exit\n"
    "\n"
    "Options:\n"
    "  --config FILE  TOML configuration (default: $CARNET_CONFIG, else config/carnet.toml\n"
    "                 if present, else built-in defaults); see docs/configuration.md\n"
    "  --help         help for a command\n"
    "  --version      print the version\n";

constexpr const char* kServeHelp =
    "Usage: carnet serve [--config FILE]\n"
    "Runs the FHIR R4 server in the foreground until SIGINT or SIGTERM.\n"
    "Without database.url, initialises (first run) and starts a private PostgreSQL\n"
    "cluster under <server.data_dir>/pg, applies migrations, and stops the cluster on exit.\n";
constexpr const char* kMigrateHelp =
    "Usage: carnet migrate [--config FILE]\n"
    "Applies the pending migrations (compiled into this binary) and exits.\n"
    "Starts the embedded cluster for the duration if it is not running.\n";
constexpr const char* kCheckHelp =
    "Usage: carnet config check [--config FILE]\n"
    "Loads the configuration, reports the first error naming the key, exits 0 when valid.\n";

struct Args {
  std::vector<std::string> words;  // command words
  std::optional<std::string> config;
  bool help = false;
  bool version = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      a.help = true;
    } else if (arg == "--version") {
      a.version = true;
    } else if (arg == "--config") {
      if (i + 1 >= argc) throw std::invalid_argument("--config needs a file");
      a.config = argv[++i];
    } else if (arg.starts_with("--config=")) {
      a.config = arg.substr(9);
    } else if (arg.starts_with("-")) {
      throw std::invalid_argument("unknown option " + arg);
    } else {
      a.words.push_back(arg);
    }
  }
  return a;
}

config::Config load(const Args& args) {
  std::optional<std::string> file = args.config;
  if (!file) {
    if (const char* env = std::getenv("CARNET_CONFIG"); env != nullptr && *env != '\0') {
      file = env;
    } else if (std::filesystem::exists("config/carnet.toml")) {
      file = "config/carnet.toml";
    }
  }
  if (!file) return config::Config{};
  return config::load_file(*file);
}

void set_log_level(const config::Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.server.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
}

int serve(const config::Config& config) {
  // Block the stop signals before any thread starts, so they are received
  // only here by sigwait and shutdown runs in order.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Instance instance(config);
  if (instance.http_port() != 0) {
    spdlog::info("serving FHIR R4 at http://{}:{}/fhir", config.http.host, instance.http_port());
  }
  if (instance.https_port() != 0) {
    spdlog::info("serving FHIR R4 at https://{}:{}/fhir", config.https.host, instance.https_port());
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  instance.stop();
  spdlog::info("stopped");
  return 0;
}

int migrate(const config::Config& config) {
  auto db = open_database(config);
  auto applied = store::migrate(db.url);
  std::cout << (applied.empty() ? "database schema already up to date" : "applied:") << "\n";
  for (const auto& name : applied) std::cout << "  " << name << "\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  Args args;
  try {
    args = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "carnet: " << e.what() << "\n\n" << kUsage;
    return 2;
  }
  if (args.version) {
    std::cout << "carnet 0.1.0 (FHIR R4 4.0.1)\n";
    return 0;
  }
  const std::string command = args.words.empty() ? "" : args.words[0];
  const bool check = command == "config" && args.words.size() == 2 && args.words[1] == "check";
  if (command.empty() || (command != "serve" && command != "migrate" && !check) ||
      (!check && args.words.size() != 1)) {
    if (args.help && command.empty()) {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << (command.empty() ? "carnet: a command is required\n\n" : "carnet: unknown command\n\n")
              << kUsage;
    return 2;
  }
  if (args.help) {
    std::cout << (command == "serve" ? kServeHelp : command == "migrate" ? kMigrateHelp : kCheckHelp);
    return 0;
  }
  try {
    auto config = load(args);
    set_log_level(config);
    if (check) {
      std::cout << "configuration is valid\n";
      return 0;
    }
    return command == "serve" ? serve(config) : migrate(config);
  } catch (const config::ConfigError& e) {
    std::cerr << "carnet: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const core::Error& e) {
    std::cerr << "carnet: " << e.what() << (e.log_message().empty() ? "" : " (" + e.log_message() + ")")
              << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "carnet: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace carnet::app
