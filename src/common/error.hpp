#pragma once

#include <stdexcept>
#include <string>

namespace dcmlens {

// The one exception type of dcmlens. Its message is a complete, user-facing sentence fragment
// ("cannot decode frame 3: ..."); the CLI prints it on one line after the file name.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace dcmlens
