// The LUT and palette decoders (dicom/lut_decoding.hpp: LUT Descriptor (PS3.3 C.11.1.1), packed
// 8-bit data, effective bits, segmented palettes (C.7.9.2)) and what the pipeline does with the
// tables: a Modality LUT, a VOI LUT and a palette applied to every value of a small image.
//
// Input: count, first mapped value, bits (the descriptor, 16 bits each, little endian), a byte
// of flags (1: segmented, 2: signed input, 4: the data as bytes (OB)), then the data words.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "common/error.hpp"
#include "dicom/lut_decoding.hpp"
#include "fuzz_support.hpp"
#include "pixel/color.hpp"
#include "pixel/render.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 7) {
        return 0;
    }
    auto u16 = [&](std::size_t at) {
        return static_cast<std::uint16_t>(data[at] | data[at + 1] << 8);
    };
    const std::uint16_t count = u16(0);
    const std::uint16_t first = u16(2);
    const int bits = u16(4);
    const std::uint8_t flags = data[6];
    std::vector<std::uint16_t> words;
    if (flags & 4) {
        words.assign(data + 7, data + size);  // 8-bit data written as OB: one entry per byte
    } else {
        for (std::size_t i = 7; i + 1 < size; i += 2) {
            words.push_back(u16(i));
        }
    }
    const std::size_t entries = dicom::lutEntryCount(count);
    model::Lut lut;
    const bool isSigned = (flags & 2) != 0;
    lut.firstMapped = isSigned ? static_cast<std::int16_t>(first) : first;
    try {
        lut.entries = (flags & 1) ? dicom::expandSegmentedLut(words.data(), words.size(), entries)
                                  : dicom::unpackLutWords(words.data(), words.size(), entries,
                                                          (flags & 4) ? 16 : bits);
    } catch (const Error&) {
        return 0;
    }
    if (lut.entries.size() != entries) {
        __builtin_trap();  // every decoder promises exactly the descriptor's count
    }
    lut.bits = dicom::effectiveLutBits(lut.entries, bits);
    auto shared = std::make_shared<const model::Lut>(lut);

    // A 16 x 16 image of values around the table's range, through each use of a LUT.
    model::Instance in;
    in.pixel.rows = in.pixel.columns = 16;
    in.pixel.bitsAllocated = 16;
    in.pixel.bitsStored = 16;
    in.pixel.highBit = 15;
    in.pixel.isSigned = isSigned;
    model::PixelBuffer image(isSigned ? model::SampleType::I16 : model::SampleType::U16, 16, 16, 1,
                             1, false);
    for (std::size_t i = 0; i < image.frameSampleCount(); ++i) {
        const std::int64_t v = lut.firstMapped + static_cast<std::int64_t>(i * entries / 200) - 8;
        image.set(0, i,
                  isSigned ? std::clamp<std::int64_t>(v, -32768, 32767)
                           : std::clamp<std::int64_t>(v, 0, 65535));
    }
    const pixel::FrameRef ref{image, 0, 0};
    const pixel::ViewMapping view = pixel::fitView(16, 16, 1.0, 16, 16);
    try {
        model::Instance modality = in;
        modality.modality.lut = shared;
        (void)pixel::renderView(modality, ref, pixel::DisplayOptions{}, 16, 16, view, true);
        model::Instance voi = in;
        voi.voi.luts.push_back(shared);
        pixel::DisplayOptions useLut;
        useLut.voiLutIndex = 0;
        (void)pixel::renderView(voi, ref, useLut, 16, 16, view, false);
        model::Instance palette = in;
        palette.pixel.photometric = model::Photometric::PaletteColor;
        palette.pixel.isSigned = false;
        palette.palette = std::make_shared<const model::Palette>(model::Palette{lut, lut, lut});
        for (std::int64_t v = -2; v < static_cast<std::int64_t>(entries) + 2; v += 7) {
            (void)pixel::paletteLookup(*palette.palette, lut.firstMapped + v);
        }
        (void)pixel::renderView(palette, ref, pixel::DisplayOptions{}, 16, 16, view, false);
    } catch (const Error&) {
    }
    return 0;
}
