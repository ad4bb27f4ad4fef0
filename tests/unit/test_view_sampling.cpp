// The integer sampling rule (pixel/view_sampling.hpp) against the ideal mapping it stands for,
// p = (o + 0.5 - offset) * scale, evaluated here in long double and, for ties, exactly.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "common/error.hpp"
#include "pixel/render.hpp"
#include "pixel/view_sampling.hpp"
#include "pixel/voi.hpp"

using namespace dcmlens;

namespace {

long double ideal(double offset, double scale, int o) {
    return (static_cast<long double>(o) + 0.5L - offset) * scale;
}

// Every output pixel of one axis: the image shows exactly where the ideal point is inside it
// (away from its edges by more than the tolerance); there the position equals anchor-based
// base + floor(d * S / 2^16) computed in 64 bits (the 32-bit formula never wraps), rises with o,
// lies within 4 * 2^-F pixels of the ideal one (1 below, 3 above), and gives the ideal pixel and
// bilinear pair away from boundaries.
void checkAxis(double offset, double scale, int imageSize, int outputSize) {
    SCOPED_TRACE(::testing::Message() << "offset " << offset << " scale " << scale << " image "
                                      << imageSize << " output " << outputSize);
    const pixel::AxisSampling a = pixel::axisSampling(offset, scale, imageSize, outputSize);
    const std::uint64_t s = (std::uint64_t{a.step} << 16) | a.stepFraction;
    const long double unit = std::ldexp(1.0L, -a.fractionBits);
    const long double tolerance = 4 * unit;
    std::int32_t previous = std::numeric_limits<std::int32_t>::min();
    int shown = 0;
    for (int o = 0; o < outputSize; ++o) {
        const long double want = ideal(offset, scale, o);
        const bool inside = o >= a.first && o <= a.last;
        if (want < -tolerance || want >= imageSize + tolerance) {
            ASSERT_FALSE(inside) << "o " << o << " ideal " << static_cast<double>(want);
        } else if (want >= tolerance && want < imageSize - tolerance) {
            ASSERT_TRUE(inside) << "o " << o << " ideal " << static_cast<double>(want);
        }
        if (!inside) {
            continue;
        }
        ++shown;
        const std::int32_t p = a.position(o);
        const std::int64_t wide =
            a.base + static_cast<std::int64_t>(static_cast<std::uint64_t>(o - a.anchor) * s >> 16);
        ASSERT_EQ(p, wide) << "o " << o;
        ASSERT_GE(p, 0) << "o " << o;
        ASSERT_LT(p, static_cast<std::int64_t>(imageSize) << a.fractionBits) << "o " << o;
        ASSERT_GE(p, previous) << "positions rise with o";
        previous = p;
        ASSERT_NEAR(static_cast<double>(p * unit), static_cast<double>(want),
                    static_cast<double>(tolerance))
            << "o " << o;
        const int n = a.nearest(p);
        const long double floorIdeal = std::floor(want);
        if (want - floorIdeal > tolerance && floorIdeal + 1 - want > tolerance) {
            ASSERT_EQ(n, static_cast<int>(floorIdeal)) << "o " << o;
        }
        double w = 0;
        const int left = a.linear(p, w);
        ASSERT_NEAR(left + w, static_cast<double>(want - 0.5L), static_cast<double>(tolerance));
        ASSERT_GE(w, 0.0);
        ASSERT_LT(w, 1.0);
    }
    ASSERT_EQ(shown, a.empty() ? 0 : a.last - a.first + 1);
}

}  // namespace

TEST(ViewSampling, PositionsFollowTheIdealMappingOnFitViews) {
    for (int image : {1, 2, 3, 64, 128, 512, 1000, 4096}) {
        for (int output : {1, 7, 64, 127, 128, 129, 300, 756, 900, 1100, 4096}) {
            const pixel::ViewMapping v = pixel::fitView(image, image, 1.0, output, output + 13);
            checkAxis(v.offsetX, v.scaleX, image, output);
            checkAxis(v.offsetY, v.scaleY, image, output + 13);
        }
    }
}

TEST(ViewSampling, PositionsFollowTheIdealMappingOnRandomViews) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> zoom(-6.0, 6.5);  // 2^zoom output per image pixel
    std::uniform_real_distribution<double> shift(-1.5, 1.5);
    for (int k = 0; k < 400; ++k) {
        const int image = 1 + static_cast<int>(rng() % 2000);
        const int output = 1 + static_cast<int>(rng() % 2000);
        const double scale = std::exp2(-zoom(rng));
        const double offset = shift(rng) * output + (rng() % 4) * 0.5;
        checkAxis(offset, scale, image, output);
    }
}

TEST(ViewSampling, LargestImagesAndExtremeZoomsFit) {
    checkAxis(0, 1, 65535, 16384);         // F drops to 14 for 65535 pixels in 31 bits
    checkAxis(-30000, 1, 65535, 16384);    // panned into the middle of it
    checkAxis(3, 65535, 65535, 1);         // the whole width in one pixel
    checkAxis(0.5, 1.0 / 64, 512, 16384);  // the viewer's largest zoom
    checkAxis(450, 50, 512, 900);          // the viewer's smallest
    checkAxis(1e9, 1, 512, 900);           // panned far away: all black
    checkAxis(-1e9, 1, 512, 900);
    EXPECT_EQ(pixel::axisSampling(0, 1, 65535, 100).fractionBits, 14);
    EXPECT_EQ(pixel::axisSampling(0, 1, 33000, 100).fractionBits, 15);
    EXPECT_EQ(pixel::axisSampling(0, 1, 512, 100).fractionBits, 16);
}

// At scale 2 every ideal position is an integer: each one lies on a boundary, and belongs to
// the pixel to its right. The bilinear position is then halfway between two centres.
TEST(ViewSampling, BoundariesBelongToTheNextPixel) {
    const pixel::AxisSampling a = pixel::axisSampling(0, 2, 100, 50);
    EXPECT_EQ(a.first, 0);
    EXPECT_EQ(a.last, 49);
    for (int o = 0; o < 49; ++o) {
        const std::int32_t p = a.position(o);
        EXPECT_EQ(a.nearest(p), 2 * o + 1);
        double w = 0;
        EXPECT_EQ(a.linear(p, w), 2 * o);
        EXPECT_EQ(w, 0.5);
    }
}

// Fit views of a square image into every size from 64 to 1100 (the sweep of the GPU test), on
// the axis that fills the output: p = (o + 0.5) * W / N is rational, and exactly on a boundary
// for whole rows and columns at sizes like 756 for W = 128 (o = 94: p = 16). Every pixel must be
// floor(p) computed exactly, ties to the right; and on the other axis of an N x (N + k) output,
// centred with offset k / 2, the same with p = (2o + 1 - k) * W / 2N.
TEST(ViewSampling, FitViewsOfEverySizeTakeTheExactPixelTiesIncluded) {
    int ties = 0;
    for (int image : {64, 128, 512}) {
        for (int n = 64; n <= 1100; ++n) {
            for (int k : {0, 1, 2, 7, 156}) {
                const pixel::ViewMapping v = pixel::fitView(image, image, 1.0, n, n + k);
                const pixel::AxisSampling a =
                    pixel::axisSampling(v.offsetY, v.scaleY, image, n + k);
                for (int o = 0; o < n + k; ++o) {
                    const long long numerator = static_cast<long long>(2 * o + 1 - k) * image;
                    const long long denominator = 2LL * n;
                    const long long floorP = numerator >= 0
                                                 ? numerator / denominator
                                                 : -((-numerator + denominator - 1) / denominator);
                    ties += numerator % denominator == 0 ? 1 : 0;
                    const bool inside = o >= a.first && o <= a.last;
                    if (floorP < 0 || floorP >= image) {
                        ASSERT_FALSE(inside) << image << " in " << n << "+" << k << " o " << o;
                        continue;
                    }
                    ASSERT_TRUE(inside) << image << " in " << n << "+" << k << " o " << o;
                    ASSERT_EQ(a.nearest(a.position(o)), floorP)
                        << image << " in " << n << "+" << k << " o " << o;
                }
            }
        }
    }
    EXPECT_GT(ties, 10000);  // the sweep is full of them
}

TEST(ViewSampling, OneToOneIsTheIdentityWithWholeWeights) {
    const pixel::AxisSampling a = pixel::axisSampling(0, 1, 300, 300);
    EXPECT_EQ(a.first, 0);
    EXPECT_EQ(a.last, 299);
    for (int o = 0; o < 300; ++o) {
        const std::int32_t p = a.position(o);
        EXPECT_EQ(a.nearest(p), o);
        double w = 1;
        EXPECT_EQ(a.linear(p, w), o);
        EXPECT_EQ(w, 0.0);
    }
}

TEST(ViewSampling, RefusesViewsItCannotHold) {
    EXPECT_THROW(pixel::axisSampling(0, 0, 10, 10), Error);
    EXPECT_THROW(pixel::axisSampling(0, -1, 10, 10), Error);
    EXPECT_THROW(pixel::axisSampling(NAN, 1, 10, 10), Error);
    EXPECT_THROW(pixel::axisSampling(0, INFINITY, 10, 10), Error);
    EXPECT_THROW(pixel::axisSampling(0, 1, 0, 10), Error);
    EXPECT_THROW(pixel::axisSampling(0, 1.0 / 64, 2000, 100000), Error);  // 128000 pixels wide
    EXPECT_THROW(pixel::axisSampling(0, 1e8, 10, 10), Error);
    EXPECT_NO_THROW(pixel::axisSampling(0, 1, 2000, 100000));  // the image is 2000 of them
}

// What the viewer's probe should call: the pixel renderView shows at an output pixel.
TEST(ViewSampling, ShownPixelIsWhatRenderViewShows) {
    model::Instance in;
    in.pixel.rows = in.pixel.columns = 128;
    in.pixel.bitsAllocated = in.pixel.bitsStored = 16;
    in.pixel.highBit = 15;
    model::PixelBuffer b(model::SampleType::U16, 128, 128, 1, 1, false);
    for (int y = 0; y < 128; ++y) {
        for (int x = 0; x < 128; ++x) {
            b.set(0, static_cast<std::size_t>(y) * 128 + x, y * 128 + x);  // value = position
        }
    }
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    o.center = 8191.5;
    o.width = 16384;
    const pixel::ViewMapping v = pixel::fitView(128, 128, 1.0, 900, 756);
    const pixel::Image shown = pixel::renderView(in, {b, 0, 0}, o, 900, 756, v, false);
    const pixel::ViewSampling s = pixel::viewSampling(v, 128, 128, 900, 756);
    const pixel::VoiTransform voi =
        *pixel::VoiTransform::window(o.center, o.width, model::VoiFunction::Linear);
    int inside = 0;
    for (int y = 0; y < 756; ++y) {
        for (int x = 0; x < 900; ++x) {
            int ix = 0, iy = 0;
            if (!pixel::shownPixel(s, x, y, ix, iy)) {
                ASSERT_EQ(shown.pixel(x, y)[0], 0) << x << "," << y;
                continue;
            }
            ++inside;
            ASSERT_EQ(shown.pixel(x, y)[0], pixel::quantise(voi.apply(iy * 128 + ix, false)))
                << x << "," << y;
        }
    }
    EXPECT_EQ(inside, 756 * 756);
}
