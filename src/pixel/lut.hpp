#pragma once

#include <algorithm>
#include <cstdint>

#include "model/instance.hpp"

namespace dcmlens::pixel {

// PS3.3 C.11.1.1: inputs below the first mapped value use the first entry, inputs past the end
// the last one.
inline std::uint16_t lookup(const model::Lut& lut, std::int64_t input) {
    const std::int64_t last = static_cast<std::int64_t>(lut.entries.size()) - 1;
    const std::int64_t index = std::clamp<std::int64_t>(input - lut.firstMapped, 0, last);
    return lut.entries[static_cast<std::size_t>(index)];
}

// 2^bits: the number of output levels of a LUT.
inline double lutRange(const model::Lut& lut) {
    return static_cast<double>(1u << lut.bits);
}

}  // namespace dcmlens::pixel
