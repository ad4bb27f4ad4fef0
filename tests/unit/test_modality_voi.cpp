#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pixel/gray_pipeline.hpp"
#include "pixel/level_thresholds.hpp"
#include "pixel/lut.hpp"

using namespace dcmlens;
using model::VoiFunction;
using pixel::VoiTransform;

namespace {

double windowLevel(double c, double w, double m, VoiFunction fn = VoiFunction::Linear,
                   bool inv = false) {
    return VoiTransform::window(c, w, fn)->apply(m, inv);
}

// pipeline.md's formulas, written independently of VoiTransform (float64, ymin 0, ymax 255).
double referenceLinear(double c, double w, double m) {
    if (m <= c - 0.5 - (w - 1) / 2)
        return 0;
    if (m > c - 0.5 + (w - 1) / 2)
        return 255;
    return ((m - (c - 0.5)) / (w - 1) + 0.5) * 255;
}
double referenceLinearExact(double c, double w, double m) {
    if (m <= c - w / 2)
        return 0;
    if (m > c + w / 2)
        return 255;
    return ((m - c) / w + 0.5) * 255;
}

}  // namespace

TEST(Voi, LinearMatchesSupplement33) {
    EXPECT_EQ(windowLevel(40, 400, -160), 0);     // on the left border: black
    EXPECT_EQ(windowLevel(40, 400, 239.5), 255);  // past the right border: white
    EXPECT_EQ(pixel::quantise(windowLevel(40, 400, 40)), 127);
    EXPECT_NEAR(windowLevel(40, 400, 40), (0.5 / 399 + 0.5) * 255, 1e-9);
}

TEST(Voi, LinearEqualsReferenceFormulaOnRandomInputs) {
    std::mt19937 rng(1234);
    std::uniform_real_distribution<double> centers(-2000, 4000), widths(1, 5000),
        values(-4000, 6000);
    for (int i = 0; i < 100000; ++i) {
        const double c = std::round(centers(rng)), w = std::round(widths(rng)),
                     m = std::round(values(rng));
        ASSERT_NEAR(windowLevel(c, w, m), referenceLinear(c, w, m), 1e-9)
            << c << " " << w << " " << m;
        ASSERT_NEAR(windowLevel(c, w, m, VoiFunction::LinearExact), referenceLinearExact(c, w, m),
                    1e-9);
    }
}

TEST(Voi, WidthOneIsAThreshold) {
    EXPECT_EQ(windowLevel(100, 1, 99), 0);
    EXPECT_EQ(windowLevel(100, 1, 99.5), 0);
    EXPECT_EQ(windowLevel(100, 1, 100), 255);
}

TEST(Voi, InvalidWidthsAreRejected) {
    EXPECT_FALSE(VoiTransform::window(0, 0.5, VoiFunction::Linear));
    EXPECT_TRUE(VoiTransform::window(0, 0.5, VoiFunction::LinearExact));
    EXPECT_FALSE(VoiTransform::window(0, 0, VoiFunction::LinearExact));
    EXPECT_FALSE(VoiTransform::window(0, -3, VoiFunction::Sigmoid));
}

TEST(Voi, LinearExactBorders) {
    EXPECT_EQ(windowLevel(0, 100, -50, VoiFunction::LinearExact), 0);
    EXPECT_EQ(windowLevel(0, 100, 50, VoiFunction::LinearExact), 255);
    EXPECT_EQ(pixel::quantise(windowLevel(0, 100, 0, VoiFunction::LinearExact)), 127);
}

TEST(Voi, SigmoidIsHalfAtCenterAndSymmetric) {
    EXPECT_DOUBLE_EQ(windowLevel(10, 20, 10, VoiFunction::Sigmoid), 127.5);
    const double a = windowLevel(10, 20, 15, VoiFunction::Sigmoid);
    const double b = windowLevel(10, 20, 5, VoiFunction::Sigmoid);
    EXPECT_NEAR(a + b, 255, 1e-9);
    EXPECT_NEAR(a, 255 / (1 + std::exp(-1.0)), 1e-9);
}

TEST(Voi, InversionTruncatesAfterInverting) {
    // floor(255 - y), not 255 - floor(y): y = 127.82 inverts to 127.18 -> 127.
    const double y = windowLevel(40, 400, 40);
    EXPECT_NEAR(windowLevel(40, 400, 40, VoiFunction::Linear, true), 255 - y, 1e-9);
    EXPECT_EQ(pixel::quantise(windowLevel(40, 400, 40, VoiFunction::Linear, true)), 127);
    EXPECT_EQ(windowLevel(40, 400, -1000, VoiFunction::Linear, true), 255);
    EXPECT_EQ(windowLevel(40, 400, 1000, VoiFunction::Linear, true), 0);
}

TEST(Voi, LutOutputIsShiftedToEightBits) {
    model::Lut lut;
    lut.firstMapped = -100;
    lut.bits = 12;
    lut.entries = {0, 16, 4095};
    const auto t = VoiTransform::lut(std::make_shared<const model::Lut>(lut));
    EXPECT_EQ(pixel::quantise(t.apply(-200, false)), 0);   // below the first mapped value
    EXPECT_EQ(pixel::quantise(t.apply(-99, false)), 1);    // 16 >> 4
    EXPECT_EQ(pixel::quantise(t.apply(500, false)), 255);  // past the end: last entry
}

TEST(Modality, RescaleAndNegativeSlope) {
    model::PixelDescriptor px;
    px.bitsStored = 12;
    model::ModalityInfo info;
    info.slope = -2;
    info.intercept = 100;
    pixel::ModalityTransform t(info, px);
    EXPECT_EQ(t.apply(10), 80);
    EXPECT_EQ(t.absMinimum(), 4095 * -2 + 100);
    EXPECT_EQ(t.absMaximum(), 100);
    EXPECT_TRUE(t.isIntegral());
    info.slope = 0.5;
    EXPECT_FALSE(pixel::ModalityTransform(info, px).isIntegral());
}

TEST(Modality, LutWithNegativeFirstMappedValue) {
    model::PixelDescriptor px;
    px.isSigned = true;
    model::ModalityInfo info;
    model::Lut lut;
    lut.firstMapped = -2;
    lut.bits = 16;
    lut.entries = {1000, 2000, 3000};
    info.lut = std::make_shared<const model::Lut>(lut);
    pixel::ModalityTransform t(info, px);
    EXPECT_EQ(t.apply(-5), 1000);
    EXPECT_EQ(t.apply(-1), 2000);
    EXPECT_EQ(t.apply(0), 3000);
    EXPECT_EQ(t.apply(7), 3000);
}

TEST(GrayPipeline, NoVoiStretchesTheWholeRange) {
    pixel::GrayPipeline p;
    p.voi = VoiTransform::none(0, 4095);
    EXPECT_EQ(p.output(0), 0);
    EXPECT_EQ(p.output(4095), 255);
    EXPECT_EQ(p.output(2048), 128);
    const auto s = p.stages(2048);
    EXPECT_EQ(s.stored, 2048);
    EXPECT_EQ(s.modality, 2048);
    EXPECT_EQ(s.output, 128);
}

namespace {

// Every integer modality value of the range gives the same level through the thresholds.
void expectThresholdsExact(const pixel::GrayPipeline& p) {
    const pixel::LevelThresholds t = pixel::levelThresholds(p);
    for (double m = p.modality.absMinimum(); m <= p.modality.absMaximum(); m += 1) {
        ASSERT_EQ(pixel::levelFromThresholds(t, static_cast<float>(m)),
                  pixel::quantise(p.voi.apply(m, p.invert)))
            << "m " << m << " center " << p.voi.center() << " width " << p.voi.width();
    }
}

}  // namespace

TEST(LevelThresholds, ReproduceEveryLevelOfRandomPipelines) {
    std::mt19937 rng(99);
    std::uniform_real_distribution<double> centers(-1500, 3000), widths(1, 3000);
    model::PixelDescriptor px;
    px.bitsStored = 12;
    px.isSigned = true;
    for (int i = 0; i < 60; ++i) {
        pixel::GrayPipeline p;
        model::ModalityInfo info;
        info.intercept = -1024;
        p.modality = pixel::ModalityTransform(info, px);
        const auto fn = static_cast<VoiFunction>(i % 3);
        const double c = i % 2 ? std::round(centers(rng)) : centers(rng);
        const double w = i % 4 < 2 ? std::round(widths(rng)) : widths(rng);
        p.voi = *VoiTransform::window(c, w, fn);
        p.invert = i % 5 == 0;
        expectThresholdsExact(p);
    }
    pixel::GrayPipeline none;
    none.modality = pixel::ModalityTransform({}, px);
    none.voi = VoiTransform::none(none.modality.absMinimum(), none.modality.absMaximum());
    expectThresholdsExact(none);
    none.invert = true;
    expectThresholdsExact(none);
}
