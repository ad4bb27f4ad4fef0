#pragma once

#include <cstdint>

namespace dcmlens::pixel {

struct ViewMapping;

// Which image pixel each output pixel shows, decided in integers so that the shader (32-bit
// integer arithmetic, exact on every GL implementation) and the CPU reference pick the same
// source pixel and the same bilinear weights at every size, zoom and pan (docs/pipeline.md,
// "Sampling"). A float shader and a double CPU evaluating p = (o + 0.5 - offset) * scale round
// differently exactly where p falls on a pixel boundary, which scales like 756/128 make happen on
// whole rows and columns.
//
// Along one axis, output pixel o has the sample position
//     P(o) = base + floor(d * S / 2^16),  d = o - anchor,
// in units of 2^-F image pixels (F = 16, fewer for images too wide for 31 bits). S is the scale
// in units of 2^-(F + 16) pixels per output pixel; the shader computes floor(d * S / 2^16) as
// d * step + ((d * stepFraction) >> 16) with S = step * 2^16 + stepFraction, in 32-bit unsigned
// arithmetic that never overflows for the pixels it is asked about.
// P is the exact position where the offset and scale are multiples of 2^-F and 2^-(F+16) pixels
// (1:1, zooms by powers of two, half-pixel pans); otherwise base and S are rounded up so that P
// lies above the exact position by less than 3 * 2^-F pixels.
//  - The image shows in output pixels [first, last]: those with 0 <= P < W * 2^F (P rises
//    with o). The others are black; the renderer clears them and shades only [first, last].
//  - Nearest: pixel floor(P / 2^F). So a point exactly on a pixel boundary (an ideal tie, as
//    756/128 makes on whole rows) belongs to the pixel to its right (below): the tie rule.
//  - Bilinear: Q = P - 2^(F-1) (the position relative to pixel centres); pixels i0 = floor(Q /
//    2^F) and i0 + 1 (edges repeat), weight of i0 + 1 = (Q mod 2^F) / 2^F, exact in float and
//    double alike.
struct AxisSampling {
    int first = 0;
    int last = -1;  // first > last: the image is nowhere on this axis of the output
    int anchor = 0;
    int fractionBits = 16;           // F
    std::int32_t base = 0;           // P(anchor)
    std::uint32_t step = 0;          // S / 2^16
    std::uint32_t stepFraction = 0;  // S mod 2^16

    bool empty() const { return first > last; }
    // For o in [anchor, last] (the shader evaluates it for [first, last] only).
    std::int32_t position(int o) const {
        const auto d = static_cast<std::uint32_t>(o - anchor);
        return base + static_cast<std::int32_t>(d * step + ((d * stepFraction) >> 16));
    }
    int nearest(std::int32_t p) const { return p >> fractionBits; }
    // Bilinear: the left (upper) pixel, and the weight of the next one.
    int linear(std::int32_t p, double& weight) const {
        const std::int32_t q = p - (std::int32_t{1} << (fractionBits - 1));
        weight = static_cast<double>(q & ((std::int32_t{1} << fractionBits) - 1)) /
                 static_cast<double>(std::int32_t{1} << fractionBits);
        return q >> fractionBits;
    }
};

// One axis of a view mapping (offset and scale as in ViewMapping) for an image of `imageSize`
// pixels shown in `outputSize` pixels. Throws dcmlens::Error for a scale that is not finite and
// positive, an offset that is not finite, or a view the integers cannot hold (the image spanning
// more than 65536 output pixels, or more than 2^22 image pixels per output pixel).
AxisSampling axisSampling(double offset, double scale, int imageSize, int outputSize);

struct ViewSampling {
    AxisSampling x;
    AxisSampling y;
    bool empty() const { return x.empty() || y.empty(); }
};

ViewSampling viewSampling(const ViewMapping& view, int imageWidth, int imageHeight, int outputWidth,
                          int outputHeight);

// The image pixel output pixel (x, y) shows with nearest sampling, as the renderer and
// renderView show it (ties included); false outside the image. For the viewer's probe and
// measurements: the pixel under the cursor is then the pixel on the screen.
bool shownPixel(const ViewSampling& sampling, int x, int y, int& imageX, int& imageY);

}  // namespace dcmlens::pixel
