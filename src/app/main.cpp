// Composition root only: everything lives in libraries (STYLE.md).
#include "carnet/app/cli.hpp"

int main(int argc, char** argv) {
  return carnet::app::run_cli(argc, argv);
}
