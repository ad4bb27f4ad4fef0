#pragma once

#include <cstddef>
#include <string_view>

namespace dcmlens {

// A file embedded into the binary at build time (cmake/embed_files.cmake).
struct EmbeddedFile {
    const char* name;  // path relative to its folder, e.g. "colormaps/bone.txt"
    const char* data;  // `size` bytes followed by a NUL
    std::size_t size;

    std::string_view text() const { return {data, size}; }
};

}  // namespace dcmlens
