#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dcmlens::model {

// How many bytes of decoded pixels dcmlens lets itself allocate for images, checked before
// allocating (a header may claim 65535 x 65535 pixels or 2^31 frames; such an image is refused
// with a message naming its size instead of being allocated, which would end in the OOM killer).
// DCMLENS_MEMORY_BUDGET sets it: bytes, with K, M, G or T (powers of 1024), or a percentage of
// physical memory ("50%"). Default: 60 % of physical memory. Never more than 60 % of the
// process's address-space limit (RLIMIT_AS, `ulimit -v`) when one is set. Read once per call.
std::uint64_t memoryBudget();

// "512M", "2G", "50%", "1000000" -> bytes (percentages of `physicalBytes`); nullopt when the
// text is none of these or is 0.
std::optional<std::uint64_t> parseMemorySize(const std::string& text, std::uint64_t physicalBytes);

// Physical memory, or 4 GiB when the system does not say.
std::uint64_t physicalMemory();

// "8.0 GiB", "512.0 MiB", "12 KiB"...
std::string formatBytes(std::uint64_t bytes);

// Throws dcmlens::Error "`what` needs SIZE, more than the memory budget of BUDGET (...)" when
// `bytes` exceeds memoryBudget(). `what` names the image: "an image of 65535x65535x1 16-bit
// samples".
void requireWithinBudget(std::uint64_t bytes, const std::string& what);

// a * b, saturating at 2^64 - 1 instead of wrapping (sizes from headers multiply freely).
inline std::uint64_t saturatingMultiply(std::uint64_t a, std::uint64_t b) {
    if (a != 0 && b > UINT64_MAX / a) {
        return UINT64_MAX;
    }
    return a * b;
}

}  // namespace dcmlens::model
