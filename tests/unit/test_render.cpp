#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/render.hpp"

using namespace dcmlens;

namespace {

// A 4x1 unsigned 12-bit greyscale instance with stored values 0, 1000, 2000, 4095.
struct Fixture {
    model::Instance instance;
    model::PixelBuffer buffer{model::SampleType::U16, 4, 1, 1, 1, false};
    Fixture() {
        instance.pixel.rows = 1;
        instance.pixel.columns = 4;
        instance.pixel.bitsAllocated = 16;
        instance.pixel.bitsStored = 12;
        instance.pixel.highBit = 11;
        const int values[] = {0, 1000, 2000, 4095};
        for (int i = 0; i < 4; ++i) {
            buffer.set(0, static_cast<std::size_t>(i), values[i]);
        }
    }
    pixel::Image render(const pixel::DisplayOptions& o) const {
        return pixel::renderFrame(instance, {buffer, 0, 0}, o);
    }
};

}  // namespace

TEST(Render, DefaultWithoutWindowIsMinMax) {
    Fixture f;
    const auto img = f.render({});
    ASSERT_EQ(img.channels, 1);
    EXPECT_EQ(img.data[0], 0);
    EXPECT_EQ(img.data[3], 255);
}

TEST(Render, FileWindowIsTheDefaultAndIndicesAreChecked) {
    Fixture f;
    f.instance.voi.windows = {{1000.5, 2, ""}, {0, 100, ""}};
    const auto img = f.render({});
    EXPECT_EQ(img.data[0], 0);
    EXPECT_EQ(img.data[2], 255);
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Index;
    o.windowIndex = 2;
    EXPECT_THROW(f.render(o), Error);
}

TEST(Render, MonochromeOneInvertsUnlessPresentationSaysIdentity) {
    Fixture f;
    f.instance.pixel.photometric = model::Photometric::Monochrome1;
    EXPECT_EQ(f.render({}).data[0], 255);
    f.instance.presentationShape = model::PresentationShape::Identity;
    EXPECT_EQ(f.render({}).data[0], 0);
    pixel::DisplayOptions o;
    o.presentation = model::PresentationShape::Inverse;
    EXPECT_EQ(f.render(o).data[0], 255);  // inverted once, not twice
}

TEST(Render, PaddingIsExcludedFromMinMax) {
    Fixture f;
    f.instance.padding.value = 4095;
    auto range = pixel::modalityRange(f.buffer, 0, pixel::ModalityTransform({}, f.instance.pixel),
                                      f.instance.padding);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->max, 2000);
    const auto w = pixel::minMaxWindow(*range);
    EXPECT_EQ(w.center, 1000.5);
    EXPECT_EQ(w.width, 2001);
}

TEST(Render, ColormapGivesRgb) {
    Fixture f;
    pixel::DisplayOptions o;
    o.colormap = "hot";
    const auto img = f.render(o);
    EXPECT_EQ(img.channels, 3);
    EXPECT_EQ(img.pixel(3, 0)[0], 255);
    EXPECT_EQ(img.pixel(3, 0)[2], 255);
}

TEST(Render, LetterboxKeepsAspect) {
    pixel::Image img(2, 1, 1);
    img.data = {100, 200};
    const auto out = pixel::resample(img, 4, 4, pixel::fitView(2, 1, 1.0, 4, 4));
    EXPECT_EQ(out.pixel(0, 0)[0], 0);  // border
    EXPECT_EQ(out.pixel(0, 1)[0], 100);
    EXPECT_EQ(out.pixel(3, 2)[0], 200);
    EXPECT_EQ(out.pixel(3, 3)[0], 0);
}

TEST(Render, HistogramCountsEveryNonPaddingPixel) {
    Fixture f;
    auto h = pixel::histogram(f.buffer, 0, pixel::ModalityTransform({}, f.instance.pixel),
                              f.instance.padding, 4);
    EXPECT_EQ(h.counts, (std::vector<std::uint32_t>{2, 1, 0, 1}));
}

TEST(FrameStatistics, EqualsTheDirectComputations) {
    std::mt19937 rng(11);
    for (auto type : {model::SampleType::U8, model::SampleType::I16, model::SampleType::U16}) {
        model::PixelBuffer b(type, 97, 61, 1, 2, false);
        for (std::size_t i = 0; i < b.frameSampleCount(); ++i) {
            const std::int64_t v =
                static_cast<std::int64_t>(rng() % 200) - (model::isSignedType(type) ? 100 : 0);
            b.set(1, i, v);
        }
        model::PixelDescriptor px;
        px.bitsStored = type == model::SampleType::U8 ? 8 : 16;
        px.isSigned = model::isSignedType(type);
        model::ModalityInfo info;
        info.slope = -2.5;
        info.intercept = 7;
        const pixel::ModalityTransform m(info, px);
        model::Padding padding;
        padding.value = 5;
        const auto fs = pixel::frameStatistics(b, 1, m, padding, 1, 99);
        const auto range = pixel::modalityRange(b, 1, m, padding);
        const auto window = pixel::percentileWindow(b, 1, m, padding, 1, 99);
        ASSERT_TRUE(fs.range && range && fs.percentile && window);
        EXPECT_EQ(fs.range->min, range->min);
        EXPECT_EQ(fs.range->max, range->max);
        EXPECT_EQ(fs.percentile->center, window->center);
        EXPECT_EQ(fs.percentile->width, window->width);
        const auto rangeOnly = pixel::frameStatistics(b, 1, m, padding, 1, 99, false);
        ASSERT_TRUE(rangeOnly.range);
        EXPECT_FALSE(rangeOnly.percentile);
        EXPECT_EQ(rangeOnly.range->min, range->min);
        EXPECT_EQ(rangeOnly.range->max, range->max);
    }
}

TEST(FrameStatistics, RangeSkipsPaddingRangesForEveryTypeAndStride) {
    std::mt19937 rng(5);
    for (auto type : {model::SampleType::U8, model::SampleType::I8, model::SampleType::U16,
                      model::SampleType::I16, model::SampleType::U32, model::SampleType::I32}) {
        for (int samples : {1, 3}) {
            // 37 x 5: not a multiple of any vector width, so the scalar tail runs too.
            model::PixelBuffer b(type, 37, 5, samples, 1, false);
            const std::int64_t offset = model::isSignedType(type) ? -60 : 0;
            for (std::size_t i = 0; i < b.frameSampleCount(); ++i) {
                b.set(0, i, static_cast<std::int64_t>(rng() % 120) + offset);
            }
            b.set(0, b.frameSampleCount() - 1, 127);  // the maximum sits in the tail
            model::PixelDescriptor px;
            px.bitsStored = static_cast<int>(model::sampleBytes(type) * 8);
            px.isSigned = model::isSignedType(type);
            const pixel::ModalityTransform m(model::ModalityInfo{}, px);
            model::Padding padding;  // the lowest 30 values are padding (0028,0120)/(0028,0121)
            padding.value = offset + 29;
            padding.rangeLimit = offset;
            const auto fast = pixel::frameStatistics(b, 0, m, padding, 1, 99, false);
            const auto direct = pixel::modalityRange(b, 0, m, padding);
            ASSERT_TRUE(fast.range && direct) << model::sampleBytes(type) << " " << samples;
            EXPECT_EQ(fast.range->min, direct->min);
            EXPECT_EQ(fast.range->max, direct->max);
            EXPECT_GE(fast.range->min, offset + 30);
            if (samples == 1) {
                EXPECT_EQ(fast.range->max, 127);
            }
            padding.value = offset;  // now every value is padding
            padding.rangeLimit = 127;
            EXPECT_FALSE(pixel::frameStatistics(b, 0, m, padding, 1, 99, false).range);
        }
    }
}

#include "pixel/roi.hpp"

TEST(Roi, EllipseAndRectangleMembershipByPixelCentre) {
    pixel::Roi rect{pixel::Roi::Shape::Rectangle, 1, 1, 2, 2};
    EXPECT_TRUE(rect.contains(1, 1));
    EXPECT_TRUE(rect.contains(2, 2));
    EXPECT_FALSE(rect.contains(3, 1));
    EXPECT_FALSE(rect.contains(0, 0));
    pixel::Roi ellipse{pixel::Roi::Shape::Ellipse, 0, 0, 10, 10};
    EXPECT_TRUE(ellipse.contains(5, 5));
    EXPECT_FALSE(ellipse.contains(0, 0));  // corner of the bounding box
    EXPECT_TRUE(ellipse.contains(0, 5));
}

TEST(Roi, StatisticsAndDistance) {
    model::PixelBuffer b(model::SampleType::U16, 4, 1, 1, 1, false);
    for (int i = 0; i < 4; ++i) {
        b.set(0, static_cast<std::size_t>(i), i * 10);
    }
    model::PixelDescriptor px;
    model::ModalityInfo info;
    info.intercept = -5;
    const pixel::ModalityTransform m(info, px);
    const auto s = pixel::roiStatistics(b, 0, m, {}, {pixel::Roi::Shape::Rectangle, 0, 0, 4, 1});
    EXPECT_EQ(s.count, 4u);
    EXPECT_DOUBLE_EQ(s.mean, 10);
    EXPECT_DOUBLE_EQ(s.min, -5);
    EXPECT_DOUBLE_EQ(s.max, 25);
    EXPECT_NEAR(s.sd, std::sqrt(125.0), 1e-12);
    model::Geometry g;
    EXPECT_FALSE(pixel::distanceMm(g, 0, 0, 3, 4));
    g.pixelSpacing = std::array<double, 2>{2.0, 0.5};  // rows 2 mm apart, columns 0.5 mm
    EXPECT_DOUBLE_EQ(*pixel::distanceMm(g, 0, 0, 4, 0), 2.0);
    EXPECT_DOUBLE_EQ(*pixel::distanceMm(g, 0, 0, 0, 3), 6.0);
    EXPECT_EQ(pixel::lineProfile(b, 0, m, 0, 0, 3, 0), (std::vector<double>{-5, 5, 15, 25}));
}

TEST(Roi, ClippedToTheImageAndPaddingCounted) {
    using Shape = pixel::Roi::Shape;
    const pixel::RoiBounds inside = pixel::clipToImage({Shape::Rectangle, 1, 2, 3, 4}, 10, 10);
    EXPECT_FALSE(inside.clipped);
    EXPECT_EQ(inside.width, 3);
    const pixel::RoiBounds partly = pixel::clipToImage({Shape::Ellipse, -2, 8, 5, 5}, 10, 10);
    EXPECT_TRUE(partly.clipped);
    EXPECT_EQ(partly.x, 0);
    EXPECT_EQ(partly.y, 8);
    EXPECT_EQ(partly.width, 3);
    EXPECT_EQ(partly.height, 2);
    const pixel::RoiBounds outside = pixel::clipToImage({Shape::Rectangle, 12, 0, 3, 3}, 10, 10);
    EXPECT_TRUE(outside.clipped);
    EXPECT_EQ(outside.width, 0);

    model::PixelBuffer b(model::SampleType::U16, 4, 1, 1, 1, false);
    for (int i = 0; i < 4; ++i) {
        b.set(0, static_cast<std::size_t>(i), i * 10);
    }
    model::Padding padding;
    padding.value = 0;
    const pixel::ModalityTransform m(model::ModalityInfo{}, model::PixelDescriptor{});
    const auto s = pixel::roiStatistics(b, 0, m, padding, {Shape::Rectangle, 0, 0, 4, 1});
    EXPECT_EQ(s.count, 3u);
    EXPECT_EQ(s.padding, 1u);
}

#include "pixel/color.hpp"
#include "pixel/colormap.hpp"
#include "pixel/probe.hpp"

TEST(Probe, GreyStagesModalityLutEntryAndColormap) {
    model::Instance in;
    in.pixel.bitsAllocated = 16;
    in.pixel.bitsStored = 12;
    in.pixel.highBit = 11;
    auto lut = std::make_shared<model::Lut>();
    lut->firstMapped = 100;
    lut->entries = {10, 20, 30, 40};
    in.modality.lut = lut;
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    o.center = 25;
    o.width = 30;
    o.colormap = "hot";
    const model::PixelBuffer none;
    const pixel::GrayPipeline gray = pixel::makeGrayPipeline(in, {none, 0, 0}, o);
    for (auto [stored, entry] :
         {std::pair<std::int64_t, std::int64_t>{50, 0}, {102, 2}, {900, 3}}) {
        const pixel::PixelProbe p = pixel::probePixel(in, {stored, 0, 0}, &gray, "hot");
        EXPECT_EQ(p.kind, pixel::PixelProbe::Kind::Grey);
        ASSERT_TRUE(p.modalityLutEntry);
        EXPECT_EQ(*p.modalityLutEntry, entry);
        EXPECT_EQ(p.modality, lut->entries[static_cast<std::size_t>(entry)]);
        EXPECT_EQ(p.output, gray.output(stored));
        const auto& c = pixel::findColormap("hot")->table[static_cast<std::size_t>(p.output)];
        EXPECT_EQ(p.rgb, (std::array<int, 3>{c[0], c[1], c[2]}));
    }
    EXPECT_THROW(pixel::probePixel(in, {1, 0, 0}, &gray, "no-such-map"), Error);
    EXPECT_THROW(pixel::probePixel(in, {1, 0, 0}, nullptr, "gray"), Error);
}

TEST(Probe, ColourConvertsYbrAndPaletteNeedsItsTables) {
    model::Instance ybr;
    ybr.pixel.samplesPerPixel = 3;
    ybr.pixel.bitsStored = 8;
    ybr.decodedPhotometric = model::Photometric::YbrFull;
    const pixel::PixelProbe c = pixel::probePixel(ybr, {128, 100, 200}, nullptr, "gray");
    EXPECT_EQ(c.kind, pixel::PixelProbe::Kind::Colour);
    EXPECT_EQ(c.samples, (std::array<std::int64_t, 3>{128, 100, 200}));
    ASSERT_TRUE(c.converted);  // YBR_FULL is converted as the render converts it
    const auto want = pixel::ybrToRgb(128, 100, 200, 8, true);
    EXPECT_EQ(*c.converted, want);
    EXPECT_EQ(c.rgb, (std::array<int, 3>{static_cast<int>(want[0]), static_cast<int>(want[1]),
                                         static_cast<int>(want[2])}));
    EXPECT_GT(c.rgb[0], c.rgb[2]);  // strong Cr: red
    model::Instance rgb = ybr;
    rgb.decodedPhotometric = model::Photometric::Rgb;
    EXPECT_FALSE(pixel::probePixel(rgb, {1, 2, 3}, nullptr, "gray").converted);

    model::Instance palette;
    palette.pixel.photometric = model::Photometric::PaletteColor;
    EXPECT_THROW(pixel::probePixel(palette, {3, 0, 0}, nullptr, "gray"), Error);
}
