#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return dcmlens::cli::runMain(argc, argv);
}
