#include "dicom/lut_decoding.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace dcmlens::dicom {

std::vector<std::uint16_t> unpackLutWords(const std::uint16_t* words, std::size_t wordCount,
                                          std::size_t entries, int bits) {
    std::vector<std::uint16_t> out;
    out.reserve(entries);
    const bool packed = bits == 8 && wordCount < entries && wordCount == (entries + 1) / 2;
    if (packed) {
        for (std::size_t i = 0; i < entries; ++i) {
            const std::uint16_t w = words[i / 2];
            out.push_back(static_cast<std::uint16_t>((i % 2 == 0) ? (w & 0xFF) : (w >> 8)));
        }
    } else {
        for (std::size_t i = 0; i < entries && i < wordCount; ++i) {
            out.push_back(words[i]);
        }
    }
    if (out.empty()) {
        throw Error("lookup table has no data");
    }
    out.resize(entries, out.back());
    return out;
}

int effectiveLutBits(const std::vector<std::uint16_t>& entries, int claimedBits) {
    const std::uint16_t maxEntry =
        entries.empty() ? 0 : *std::max_element(entries.begin(), entries.end());
    int used = 1;
    while (used < 16 && (maxEntry >> used) != 0) {
        ++used;
    }
    if (claimedBits < 1 || claimedBits > 16 || used > claimedBits) {
        return claimedBits <= 8 && used <= 8 ? 8 : 16;
    }
    return claimedBits;
}

std::vector<std::uint16_t> expandSegmentedLut(const std::uint16_t* words, std::size_t wordCount,
                                              std::size_t entries) {
    std::vector<std::uint16_t> out;
    out.reserve(entries);
    // Indirect segments replay earlier segments, addressed by a 32-bit byte offset into the data.
    auto emitSegments = [&](auto&& self, std::size_t begin, std::size_t count, int depth) -> void {
        if (depth > 2) {
            throw Error("segmented palette has nested indirect segments");
        }
        std::size_t pos = begin;
        for (std::size_t s = 0; s < count && pos < wordCount; ++s) {
            const std::uint16_t opcode = words[pos];
            if (pos + 1 >= wordCount) {
                throw Error("segmented palette is truncated");
            }
            const std::size_t length = words[pos + 1];
            if (opcode == 0) {  // discrete: `length` values follow
                if (pos + 2 + length > wordCount) {
                    throw Error("segmented palette is truncated");
                }
                out.insert(out.end(), words + pos + 2, words + pos + 2 + length);
                pos += 2 + length;
            } else if (opcode == 1) {  // linear from the previous value to the given end value
                if (out.empty() || pos + 2 >= wordCount) {
                    throw Error("segmented palette starts with a linear segment");
                }
                const double y0 = out.back();
                const double y1 = words[pos + 2];
                for (std::size_t k = 1; k <= length; ++k) {
                    const double v =
                        y0 + (y1 - y0) * static_cast<double>(k) / static_cast<double>(length);
                    out.push_back(static_cast<std::uint16_t>(std::lround(v)));
                }
                pos += 3;
            } else if (opcode == 2) {  // indirect: replay `length` earlier segments
                if (pos + 3 >= wordCount) {
                    throw Error("segmented palette is truncated");
                }
                const std::size_t byteOffset =
                    words[pos + 2] | (static_cast<std::size_t>(words[pos + 3]) << 16);
                self(self, byteOffset / 2, length, depth + 1);
                pos += 4;
            } else {
                throw Error("segmented palette has an unknown segment type");
            }
            if (out.size() > entries * 2 + 65536) {
                throw Error("segmented palette expands beyond its descriptor");
            }
        }
    };
    emitSegments(emitSegments, 0, static_cast<std::size_t>(-1), 0);
    if (out.empty()) {
        throw Error("segmented palette has no data");
    }
    out.resize(entries, out.back());
    return out;
}

}  // namespace dcmlens::dicom
