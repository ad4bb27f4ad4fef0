#pragma once

#include <cstddef>
#include <cstdint>

#include "model/instance.hpp"

namespace dcmlens::dicom {

// The layout of the words one frame was decoded into.
struct RawLayout {
    int width = 0;
    int height = 0;
    int samples = 1;
    int bitsAllocated = 16;  // 1, 8, 16 or 32 (words in host byte order)
    int bitsStored = 16;
    int highBit = 15;
    bool isSigned = false;
    bool planar = false;
};

// Bytes one frame occupies in this layout (1-bit data rounded up to whole bytes).
std::size_t rawFrameBytes(const RawLayout& layout);

// Turns decoded words into stored values (PS3.5 8.1.1): keeps the Bits Stored bits that end at
// High Bit (bits above may hold junk or retired overlays) and sign-extends from the top stored bit
// when Pixel Representation is 1. Writes frame `frame` of `out`, whose type must be
// sampleTypeFor(bitsStored, isSigned). `bitOffset` is the position of the frame's first pixel in
// the bit stream for 1-bit data (frames of 1-bit data need not start on a byte boundary).
void unpackStoredValues(const std::uint8_t* raw, std::size_t rawBytes, const RawLayout& layout,
                        model::PixelBuffer& out, int frame, std::size_t bitOffset = 0);

// Expands YBR_FULL_422 as stored uncompressed (Y1 Y2 Cb Cr for each pair of pixels, PS3.3
// C.7.6.3.1.2) into three interleaved samples per pixel, each pixel of a pair sharing Cb and Cr.
void expandYbr422(const std::uint8_t* raw, int width, int height, std::uint8_t* out);

}  // namespace dcmlens::dicom
