// The odyospiro command: see station/cli/app.hpp.
#include "station/cli/app.hpp"

int main(int argc, char** argv) {
  return odyo::station::run_cli(argc, argv);
}
