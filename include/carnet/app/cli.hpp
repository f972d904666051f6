#pragma once
/// The `carnet` command line: serve, migrate, config check.

namespace carnet::app {

/// Parses arguments, runs the subcommand, returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace carnet::app
