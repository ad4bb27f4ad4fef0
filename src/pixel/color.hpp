#pragma once

#include <array>
#include <cstdint>

#include "model/instance.hpp"

namespace dcmlens::pixel {

// YBR_FULL -> RGB (PS3.3 C.7.6.3.1.2) with DCMTK's coefficients, so colour output equals the
// reference. `truncateTerms`: DCMTK converts 8-bit YBR_FULL through integer tables, each term
// truncated on its own (dcmimage diybrpxt.h), but YBR_FULL_422 and deeper data with one
// real-valued formula (diyf2pxt.h).
std::array<std::int64_t, 3> ybrToRgb(std::int64_t y, std::int64_t cb, std::int64_t cr, int bits,
                                     bool truncateTerms);

// 8-bit YBR -> RGB as three additive terms per output, so the CPU and the shader share the very
// same integers: R = y + red[cr], G = y + green[cb * 256 + cr], B = y + blue[cb], each clamped to
// [0, 255]. Both of DCMTK's conversions above reduce exactly to this form for integer Y.
struct YbrTerms {
    std::array<std::int16_t, 256> red{};
    std::array<std::int16_t, 256> blue{};
    std::array<std::int16_t, 65536> green{};
};
const YbrTerms& ybrTerms(bool truncateTerms);

// A colour sample of `bits` bits reduced to 8 bits as DCMTK's output stage does: a right shift
// for deeper data, an integer (or truncated real) gain for shallower data.
int colorTo8Bit(std::int64_t value, int bits);

// PALETTE COLOR (PS3.3 C.7.9): index -> (R, G, B), each reduced to 8 bits from the table depth.
std::array<int, 3> paletteLookup(const model::Palette& palette, std::int64_t index);

}  // namespace dcmlens::pixel
