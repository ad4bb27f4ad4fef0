#pragma once

#include <string>
#include <vector>

namespace dcmlens::cli {

// Each subcommand takes its arguments (after the subcommand name) and returns the exit code.
// Errors are printed on one line to stderr: "dcmlens: FILE: reason".
int runInfo(const std::vector<std::string>& args);
int runRender(const std::vector<std::string>& args);
int runDumpStored(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);
int runProbe(const std::vector<std::string>& args);
int runExport(const std::vector<std::string>& args);
int runRoi(const std::vector<std::string>& args);
int runCompare(const std::vector<std::string>& args);
int runPacs(const std::vector<std::string>& args);

// Whether a first argument names a subcommand (or help) rather than a file for the viewer.
bool isCommand(const std::string& word);

// The whole command line: dispatches to a subcommand.
int runMain(int argc, char** argv);

}  // namespace dcmlens::cli
