#include "cli/report.hpp"

#include <iostream>

namespace dcmlens::cli {

int reportError(const std::string& file, const std::string& reason) {
    std::string line = reason;
    for (char& c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';  // one line, always
        }
    }
    std::cerr << "dcmlens: " << file << ": " << line << std::endl;
    return 1;
}

}  // namespace dcmlens::cli
