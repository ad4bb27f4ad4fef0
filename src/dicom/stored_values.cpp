#include "dicom/stored_values.hpp"

#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "model/memory_budget.hpp"

namespace dcmlens::dicom {

std::size_t rawFrameBytes(const RawLayout& layout) {
    // Saturating: a malformed header's sizes must not wrap to a plausible size.
    auto positive = [](int v) { return static_cast<std::uint64_t>(std::max(v, 0)); };
    const std::uint64_t count = model::saturatingMultiply(
        model::saturatingMultiply(positive(layout.width), positive(layout.height)),
        positive(layout.samples));
    if (layout.bitsAllocated == 1) {
        return count == UINT64_MAX ? count : (count + 7) / 8;
    }
    return model::saturatingMultiply(count, positive(layout.bitsAllocated / 8));
}

namespace {

std::uint32_t loadWord(const std::uint8_t* p, int bitsAllocated) {
    switch (bitsAllocated) {
        case 8:
            return *p;
        case 16: {
            std::uint16_t v;
            std::memcpy(&v, p, 2);
            return v;
        }
        default: {
            std::uint32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
    }
}

}  // namespace

void unpackStoredValues(const std::uint8_t* raw, std::size_t rawBytes, const RawLayout& layout,
                        model::PixelBuffer& out, int frame, std::size_t bitOffset) {
    const std::size_t count =
        static_cast<std::size_t>(layout.width) * layout.height * layout.samples;
    if (layout.bitsAllocated == 1) {
        if ((bitOffset + count + 7) / 8 > rawBytes) {
            throw Error("pixel data is shorter than the image needs");
        }
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t bit = bitOffset + i;
            out.set(frame, i, (raw[bit / 8] >> (bit % 8)) & 1);  // PS3.5 8.1.1: LSB first
        }
        return;
    }
    const int wordBytes = layout.bitsAllocated / 8;
    if (count * wordBytes > rawBytes) {
        throw Error("pixel data is shorter than the image needs");
    }
    const int shift = layout.highBit + 1 - layout.bitsStored;
    // The common cases without a per-sample dispatch: whole 8/16-bit words, nothing to mask.
    if (shift == 0 && layout.bitsStored == layout.bitsAllocated && layout.bitsAllocated <= 16 &&
        model::sampleBytes(out.type()) == static_cast<std::size_t>(wordBytes)) {
        std::memcpy(out.frameBytes(frame), raw, count * wordBytes);  // same bits, signed or not
        return;
    }
    if (layout.bitsAllocated == 16 && model::sampleBytes(out.type()) == 2) {
        const std::uint16_t mask16 = static_cast<std::uint16_t>((1u << layout.bitsStored) - 1);
        const std::uint16_t sign16 = static_cast<std::uint16_t>(1u << (layout.bitsStored - 1));
        std::uint16_t* dst = reinterpret_cast<std::uint16_t*>(out.frameBytes(frame));
        for (std::size_t i = 0; i < count; ++i) {
            std::uint16_t w;
            std::memcpy(&w, raw + i * 2, 2);
            w = static_cast<std::uint16_t>((w >> shift) & mask16);
            if (layout.isSigned && (w & sign16)) {
                w = static_cast<std::uint16_t>(w | ~mask16);  // sign-extend into the 16-bit word
            }
            dst[i] = w;
        }
        return;
    }
    const std::uint32_t mask =
        layout.bitsStored >= 32 ? 0xFFFFFFFFu : ((std::uint32_t{1} << layout.bitsStored) - 1);
    const std::uint32_t signBit = std::uint32_t{1} << (layout.bitsStored - 1);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t bits =
            (loadWord(raw + i * wordBytes, layout.bitsAllocated) >> shift) & mask;
        std::int64_t value = bits;
        if (layout.isSigned && (bits & signBit)) {
            value = static_cast<std::int64_t>(bits) - (std::int64_t{1} << layout.bitsStored);
        }
        out.set(frame, i, value);
    }
}

void expandYbr422(const std::uint8_t* raw, int width, int height, std::uint8_t* out) {
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x + 1 < width + 1; x += 2) {
            const std::uint8_t* q = raw + (static_cast<std::size_t>(y) * width + x) * 2;
            std::uint8_t* o = out + (static_cast<std::size_t>(y) * width + x) * 3;
            o[0] = q[0];
            o[1] = q[2];
            o[2] = q[3];
            if (x + 1 < width) {
                o[3] = q[1];
                o[4] = q[2];
                o[5] = q[3];
            }
        }
    }
}

}  // namespace dcmlens::dicom
