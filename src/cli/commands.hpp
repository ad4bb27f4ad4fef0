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

// Where a command line goes, decided by its first argument before any window opens: to the
// viewer for an option ("--panel"), an existing file or folder, or a URL ("scheme://..."); to
// runMain for a command, help, or anything else (a typo such as "frobnicate", a missing file),
// which runMain refuses as a usage error naming the commands (exit 2).
bool goesToCommandLine(const std::string& first);
// The name main() calls: the same question.
inline bool isCommand(const std::string& word) {
    return goesToCommandLine(word);
}

// The one-line usage error for a first argument that is neither a command nor something to view.
std::string unknownFirstArgument(const std::string& first);

// The whole command line: dispatches to a subcommand.
int runMain(int argc, char** argv);

}  // namespace dcmlens::cli
