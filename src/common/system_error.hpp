#pragma once

#include <string>
#include <system_error>

namespace dcmlens {

// The system's reason for an errno value, in the lower case of dcmlens' messages ("no such file
// or directory", "permission denied"). Thread-safe, unlike std::strerror: the header scan opens
// files on every core.
inline std::string systemReason(int error) {
    std::string text = std::generic_category().message(error);
    if (text.size() > 1 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'a' &&
        text[1] <= 'z') {  // "No such ..." -> "no such ...", but "I/O error" stays
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    }
    return text;
}

}  // namespace dcmlens
