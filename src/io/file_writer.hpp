#pragma once

#include <cstddef>
#include <string>

namespace dcmlens::io {

// "cannot write PATH: REASON" for an errno value: "no such folder DIR" when the folder the file
// should go into does not exist, otherwise the system's reason ("permission denied", "no space
// left on device", "is a directory").
std::string writeFailure(const std::string& path, int error);

// Writes `size` bytes to `path` (created or truncated). Throws dcmlens::Error(writeFailure(...)).
void writeFile(const std::string& path, const void* data, std::size_t size);

}  // namespace dcmlens::io
