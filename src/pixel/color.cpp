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

const YbrTerms& ybrTerms(bool truncateTerms) {
    auto build = [](bool truncate) {
        YbrTerms t;
        const double maxValue = 255;
        for (int c = 0; c < 256; ++c) {
            const double v = c;
            if (truncate) {  // DCMTK's 8-bit tables (diybrpxt.h): each term truncated
                t.red[c] = static_cast<std::int16_t>(1.4020 * v - 0.7010 * maxValue);
                t.blue[c] = static_cast<std::int16_t>(1.7720 * v - 0.8859 * maxValue);
            } else {  // one real-valued sum, truncated once: floor(y + a) = y + floor(a)
                t.red[c] = static_cast<std::int16_t>(std::floor(1.4020 * v - 0.7010 * maxValue));
                t.blue[c] = static_cast<std::int16_t>(std::floor(1.7720 * v - 0.8859 * maxValue));
            }
        }
        for (int cb = 0; cb < 256; ++cb) {
            for (int cr = 0; cr < 256; ++cr) {
                const double b = cb;
                const double r = cr;
                double g;
                if (truncate) {
                    g = -static_cast<double>(static_cast<std::int16_t>(0.3441 * b)) -
                        static_cast<double>(
                            static_cast<std::int16_t>(0.7141 * r - 0.5291 * maxValue));
                } else {
                    g = std::floor(-0.3441 * b - 0.7141 * r + 0.5291 * maxValue);
                }
                t.green[static_cast<std::size_t>(cb * 256 + cr)] = static_cast<std::int16_t>(g);
            }
        }
        return t;
    };
    static const YbrTerms tables = build(true);
    static const YbrTerms formula = build(false);
    return truncateTerms ? tables : formula;
}

std::array<std::int64_t, 3> ybrToRgb(std::int64_t y, std::int64_t cb, std::int64_t cr, int bits,
                                     bool truncateTerms) {
    if (bits == 8) {
        const YbrTerms& t = ybrTerms(truncateTerms);
        const auto icb = static_cast<std::size_t>(std::clamp<std::int64_t>(cb, 0, 255));
        const auto icr = static_cast<std::size_t>(std::clamp<std::int64_t>(cr, 0, 255));
        auto clamp8 = [](std::int64_t v) { return std::clamp<std::int64_t>(v, 0, 255); };
        return {clamp8(y + t.red[icr]), clamp8(y + t.green[icb * 256 + icr]),
                clamp8(y + t.blue[icb])};
    }
    // Deeper data: DCMTK's real-valued formula (diyf2pxt.h), truncated.
    const double maxValue = std::ldexp(1.0, bits) - 1;
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
