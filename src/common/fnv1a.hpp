#pragma once

#include <cstddef>
#include <cstdint>

namespace dcmlens {

// FNV-1a, 64 bits: a fast checksum of bytes (cache files, dictionary files); not cryptographic.
inline std::uint64_t fnv1a(const void* bytes, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    std::uint64_t hash = 14695981039346656037ull;
    for (std::size_t i = 0; i < size; ++i) {
        hash = (hash ^ p[i]) * 1099511628211ull;
    }
    return hash;
}

}  // namespace dcmlens
