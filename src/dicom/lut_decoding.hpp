#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcmlens::dicom {

// LUT Descriptor (PS3.3 C.11.1.1): a count of 0 means 65536 entries.
inline std::size_t lutEntryCount(std::uint32_t descriptorCount) {
    return descriptorCount == 0 ? 65536 : descriptorCount;
}

// LUT Data as read from the file in 16-bit words. When the descriptor says 8 bits and the data
// holds half as many words as entries, two entries are packed per word, low byte first (a trap
// seen in real files); otherwise each word is one entry. Missing entries repeat the last one.
std::vector<std::uint16_t> unpackLutWords(const std::uint16_t* words, std::size_t wordCount,
                                          std::size_t entries, int bits);

// The bits a LUT really uses: descriptors that claim 8 bits for 16-bit data exist, so the
// largest entry decides when it does not fit the claimed width (as DCMTK does).
int effectiveLutBits(const std::vector<std::uint16_t>& entries, int claimedBits);

// Segmented Palette Color LUT Data (PS3.3 C.7.9.2): discrete, linear and indirect segments,
// expanded to a plain table of `entries` values. Throws dcmlens::Error when malformed.
std::vector<std::uint16_t> expandSegmentedLut(const std::uint16_t* words, std::size_t wordCount,
                                              std::size_t entries);

}  // namespace dcmlens::dicom
