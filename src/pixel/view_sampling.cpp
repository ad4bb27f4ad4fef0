#include "pixel/view_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "pixel/render.hpp"

namespace dcmlens::pixel {

namespace {

constexpr double kPositions = 2147483648.0;  // what a signed 32-bit position holds
constexpr int kMaxFractionBits = 16;
constexpr int kMinFractionBits = 8;
constexpr int kMaxSpan = 1 << 16;  // d * stepFraction must stay below 2^32

}  // namespace

AxisSampling axisSampling(double offset, double scale, int imageSize, int outputSize) {
    if (!std::isfinite(offset) || !std::isfinite(scale) || scale <= 0) {
        throw Error("view mapping needs a finite offset and a positive scale");
    }
    if (imageSize < 1 || outputSize < 1) {
        throw Error("view mapping needs an image and an output of at least one pixel");
    }
    AxisSampling a;
    // The output pixels whose ideal position (o + 0.5 - offset) * scale lies within one pixel
    // (plus one output pixel) of the image: the image shows inside [lo, hi] only, and not at
    // its ends, which lie at least one image pixel out (unless clamped to the output's edges).
    const double lo = std::floor(offset - 0.5 - 1.0 / scale) - 1;
    const double hi = std::ceil(offset - 0.5 + (imageSize + 1.0) / scale) + 1;
    if (hi < 0 || lo > outputSize - 1) {
        return a;  // the image is nowhere in the output: empty
    }
    a.anchor = static_cast<int>(std::clamp(lo, 0.0, outputSize - 1.0));
    const int end = static_cast<int>(std::clamp(hi, 0.0, outputSize - 1.0));
    if (end - a.anchor >= kMaxSpan) {
        throw Error("the image would span " + std::to_string(end - a.anchor + 1) +
                    " output pixels; at most " + std::to_string(kMaxSpan) + " are supported");
    }
    // Positions in [anchor, end] lie within [-1 - 2 * scale, W + 1 + 2 * scale] pixels; F is as
    // fine as 31 bits allow for that (and one more pixel each way for rounding).
    const double extent = imageSize + 3 + 2 * scale;
    int bits = kMaxFractionBits;
    while (bits > kMinFractionBits && std::ldexp(extent, bits) >= kPositions) {
        --bits;
    }
    if (std::ldexp(extent, bits) >= kPositions) {
        throw Error("view scale " + std::to_string(scale) +
                    " image pixels per output pixel is out of range");
    }
    a.fractionBits = bits;
    // S, the scale in 2^-(F + 16) pixels, and the position of the anchor in 2^-F pixels. Where
    // both are integers (1:1, zooms by powers of two, half-pixel pans) every position is exact:
    // floor(d * S / 2^16) loses nothing at a pixel boundary. Otherwise S is rounded up and the
    // base up by 1 to 2 units, so every position lies above the exact one by less than 3 units
    // (the floor loses less than one): a position exactly on a boundary -- a tie -- still goes
    // to the next pixel, and no float or double rounding of the mapping decides it.
    const long double exactStep = std::ldexp(static_cast<long double>(scale), bits + 16);
    const long double exactBase =
        std::ldexp((static_cast<long double>(a.anchor) + 0.5L - offset) * scale, bits);
    const long double stepUp = std::ceil(exactStep);
    const bool exact = stepUp == exactStep && std::floor(exactBase) == exactBase;
    const long double base = exact ? exactBase : std::floor(exactBase) + 2;
    const auto s = static_cast<std::uint64_t>(stepUp);
    a.step = static_cast<std::uint32_t>(s >> 16);
    a.stepFraction = static_cast<std::uint32_t>(s & 0xFFFF);
    a.base = static_cast<std::int32_t>(std::clamp(base, -static_cast<long double>(kPositions),
                                                  static_cast<long double>(kPositions) - 1));
    // The pixels that show the image: positions rise with o, so [first, last] is found by
    // bisection of the same integer formula the shader evaluates.
    const std::int32_t upper =
        static_cast<std::int32_t>(static_cast<std::int64_t>(imageSize) << bits);
    int from = a.anchor;  // the first o in [anchor, end + 1) with P(o) >= 0
    int to = end + 1;
    while (from < to) {
        const int mid = from + (to - from) / 2;
        if (a.position(mid) >= 0) {
            to = mid;
        } else {
            from = mid + 1;
        }
    }
    a.first = from;
    from = a.first;  // the first o in [first, end + 1) with P(o) >= W * 2^F
    to = end + 1;
    while (from < to) {
        const int mid = from + (to - from) / 2;
        if (a.position(mid) >= upper) {
            to = mid;
        } else {
            from = mid + 1;
        }
    }
    a.last = from - 1;
    if (a.empty()) {
        a = AxisSampling{};
    }
    return a;
}

ViewSampling viewSampling(const ViewMapping& view, int imageWidth, int imageHeight, int outputWidth,
                          int outputHeight) {
    return {axisSampling(view.offsetX, view.scaleX, imageWidth, outputWidth),
            axisSampling(view.offsetY, view.scaleY, imageHeight, outputHeight)};
}

bool shownPixel(const ViewSampling& s, int x, int y, int& imageX, int& imageY) {
    if (s.empty() || x < s.x.first || x > s.x.last || y < s.y.first || y > s.y.last) {
        return false;
    }
    imageX = s.x.nearest(s.x.position(x));
    imageY = s.y.nearest(s.y.position(y));
    return true;
}

}  // namespace dcmlens::pixel
