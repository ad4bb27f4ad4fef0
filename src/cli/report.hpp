#pragma once

#include <string>

namespace dcmlens::cli {

// Prints "dcmlens: FILE: reason" as one line on stderr and returns the exit code for errors.
int reportError(const std::string& file, const std::string& reason);

}  // namespace dcmlens::cli
