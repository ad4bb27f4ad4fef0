#include "dicom/codec_checks.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"

namespace dcmlens::dicom {

namespace {

std::uint32_t littleEndian32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

void checkRleFragment(const std::uint8_t* data, std::size_t length, int expectedSegments) {
    constexpr std::size_t kHeader = 64;  // PS3.5 G.5: 16 unsigned longs
    if (data == nullptr || length < kHeader) {
        throw Error("RLE fragment of " + std::to_string(length) +
                    " bytes is shorter than its 64-byte header (PS3.5 G.5)");
    }
    const std::uint32_t segments = littleEndian32(data);
    if (segments < 1 || segments > 15 || segments != static_cast<std::uint32_t>(expectedSegments)) {
        throw Error("RLE header has " + std::to_string(segments) + " segments, the image needs " +
                    std::to_string(expectedSegments) + " (PS3.5 G.2)");
    }
    std::uint64_t previous = kHeader;
    for (std::uint32_t k = 0; k < segments; ++k) {
        const std::uint64_t offset = littleEndian32(data + 4 + 4 * k);
        const std::uint64_t end = k + 1 < segments ? littleEndian32(data + 8 + 4 * k) : length;
        if (offset < previous || end > length || end < offset + 2) {
            throw Error("RLE segment " + std::to_string(k + 1) + " at bytes " +
                        std::to_string(offset) + "-" + std::to_string(end) +
                        " does not lie in order inside its " + std::to_string(length) +
                        "-byte fragment (PS3.5 G.5)");
        }
        previous = end;
    }
}

std::size_t rleFragmentOf(int frame, int frames, const std::vector<std::uint32_t>& offsets,
                          const std::vector<std::uint32_t>& fragmentLengths) {
    const std::size_t count = fragmentLengths.size();
    if (count == 0) {
        throw Error("RLE pixel data has no fragments");
    }
    if (frames <= 1) {
        return 0;
    }
    if (count == static_cast<std::size_t>(frames)) {
        return static_cast<std::size_t>(frame);
    }
    if (offsets.size() >= static_cast<std::size_t>(frames)) {
        // Offsets count from the first fragment's item tag; each item adds an 8-byte header.
        std::uint64_t position = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (position == offsets[static_cast<std::size_t>(frame)]) {
                return i;
            }
            position += 8 + std::uint64_t{fragmentLengths[i]};
        }
    }
    throw Error("RLE pixel data has " + std::to_string(count) + " fragments for " +
                std::to_string(frames) + " frames and no offset table that places frame " +
                std::to_string(frame + 1) + " (PS3.5 A.4.2: one fragment per frame)");
}

bool holdsDirectoryRecordSequence(const std::uint8_t* data, std::size_t size) {
    auto contains = [&](const char* pattern) {
        return std::search(data, data + size, pattern, pattern + 4) != data + size;
    };
    return contains("\x04\x00\x20\x12") || contains("\x00\x04\x12\x20");
}

void checkDirectoryRecordTypes(const std::uint8_t* data, std::size_t size) {
    if (size < 8 || !holdsDirectoryRecordSequence(data, size)) {
        return;
    }
    for (std::size_t i = 0; i + 8 <= size; ++i) {
        const std::uint8_t* p = data + i;
        std::uint64_t length = 0;
        if (p[0] == 0x04 && p[1] == 0x00 && p[2] == 0x30 && p[3] == 0x14) {
            length = p[4] == 'C' && p[5] == 'S'
                         ? (std::uint64_t{p[6]} | std::uint64_t{p[7]} << 8)  // explicit VR
                         : littleEndian32(p + 4);                            // implicit VR
        } else if (p[0] == 0x00 && p[1] == 0x04 && p[2] == 0x14 && p[3] == 0x30 && p[4] == 'C' &&
                   p[5] == 'S') {
            length = std::uint64_t{p[6]} << 8 | std::uint64_t{p[7]};  // explicit big endian
        } else {
            continue;
        }
        if (length > 16 && length != 0xFFFFFFFF) {
            throw Error("Directory Record Type (0004,1430) of " + std::to_string(length) +
                        " bytes is longer than a CS allows (16; PS3.5 6.2), which DCMTK 3.6.7 "
                        "cannot read");
        }
    }
}

}  // namespace dcmlens::dicom
