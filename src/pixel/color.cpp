#include "pixel/color.hpp"

#include <algorithm>
#include <cmath>

#include "pixel/lut.hpp"

namespace dcmlens::pixel {

namespace {

std::int64_t clampTo(double v, double maxValue) {
    if (v < 0) {
        return 0;
    }
    if (v > maxValue) {
        return static_cast<std::int64_t>(maxValue);
    }
    return static_cast<std::int64_t>(v);
}

}  // namespace

std::array<std::int64_t, 3> ybrToRgb(std::int64_t y, std::int64_t cb, std::int64_t cr, int bits,
                                     bool truncateTerms) {
    const double maxValue = std::ldexp(1.0, bits) - 1;
    if (bits == 8 && truncateTerms) {
        // Each term is truncated to an integer on its own, as in DCMTK's 8-bit tables.
        const auto rcr =
            static_cast<std::int16_t>(1.4020 * static_cast<double>(cr) - 0.7010 * maxValue);
        const auto gcb = static_cast<std::int16_t>(0.3441 * static_cast<double>(cb));
        const auto gcr =
            static_cast<std::int16_t>(0.7141 * static_cast<double>(cr) - 0.5291 * maxValue);
        const auto bcb =
            static_cast<std::int16_t>(1.7720 * static_cast<double>(cb) - 0.8859 * maxValue);
        const std::int64_t r = y + rcr;
        const std::int64_t g = y - gcb - gcr;
        const std::int64_t b = y + bcb;
        auto clamp8 = [](std::int64_t v) { return std::clamp<std::int64_t>(v, 0, 255); };
        return {clamp8(r), clamp8(g), clamp8(b)};
    }
    const double fy = static_cast<double>(y);
    const double fcb = static_cast<double>(cb);
    const double fcr = static_cast<double>(cr);
    const double r = fy + 1.4020 * fcr - 0.7010 * maxValue;
    const double g = fy - 0.3441 * fcb - 0.7141 * fcr + 0.5291 * maxValue;
    const double b = fy + 1.7720 * fcb - 0.8859 * maxValue;
    return {clampTo(r, maxValue), clampTo(g, maxValue), clampTo(b, maxValue)};
}

int colorTo8Bit(std::int64_t value, int bits) {
    if (bits == 8) {
        return static_cast<int>(std::clamp<std::int64_t>(value, 0, 255));
    }
    if (bits > 8) {
        return static_cast<int>(std::clamp<std::int64_t>(value >> (bits - 8), 0, 255));
    }
    const double gain = 255.0 / (std::ldexp(1.0, bits) - 1);
    return static_cast<int>(std::clamp(static_cast<double>(value) * gain, 0.0, 255.0));
}

std::array<int, 3> paletteLookup(const model::Palette& palette, std::int64_t index) {
    const model::Lut* tables[3] = {&palette.red, &palette.green, &palette.blue};
    std::array<int, 3> rgb{};
    for (int c = 0; c < 3; ++c) {
        rgb[c] = colorTo8Bit(lookup(*tables[c], index), tables[c]->bits);
    }
    return rgb;
}

}  // namespace dcmlens::pixel
