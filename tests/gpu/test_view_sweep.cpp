// GPU = CPU at every viewport size and at the zooms and pans the viewer reaches (issue 14): the
// sampling rule of pixel/view_sampling.hpp picks the same source pixel and the same bilinear
// weights on both sides, ties included (scales like 756/128 put whole rows of output pixel
// centres exactly on image pixel boundaries). Nearest: 0 differing pixels; bilinear: at most one
// level on at most 0.01 % of the pixels (float against double interpolation of the values).

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "pixel/orientation.hpp"
#include "pixel/render.hpp"
#include "pixel/view_sampling.hpp"
#include "render/renderer.hpp"
#include "render_both.hpp"
#include "test_support.hpp"
#include "viewer/commands.hpp"
#include "viewer/view_state.hpp"

using namespace dcmlens;

namespace {

struct Subject {
    std::string name;
    model::Instance instance;
    model::PixelBuffer buffer;
    pixel::DisplayOptions options;
};

Subject fromFile(const std::string& name) {
    dicom::DicomFile file(std::string(DCMLENS_CORPUS) + "/" + name);
    Subject s;
    s.name = name;
    s.buffer = file.decodeFrame(0);
    s.instance = file.release();
    return s;  // the file's own window
}

// 512 x 512 random 12-bit values through a window over all of them: every neighbour differs,
// so a wrong source pixel or weight shows at once.
Subject randomImage() {
    Subject s;
    s.name = "random 512x512";
    s.instance.pixel.rows = s.instance.pixel.columns = 512;
    s.instance.pixel.bitsAllocated = 16;
    s.instance.pixel.bitsStored = 12;
    s.instance.pixel.highBit = 11;
    s.buffer = model::PixelBuffer(model::SampleType::U16, 512, 512, 1, 1, false);
    std::mt19937 rng(14);
    for (std::size_t i = 0; i < s.buffer.frameSampleCount(); ++i) {
        s.buffer.set(0, i, static_cast<std::int64_t>(rng() % 4096));
    }
    s.options.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    s.options.center = 2048;
    s.options.width = 4096;
    return s;
}

struct Tally {
    int views = 0;
    std::size_t pixels = 0;
    std::size_t differingNearest = 0;
    std::size_t differingLinear = 0;
    int worstLinear = 0;
};

// One view drawn by the GPU and the CPU, nearest and bilinear, held to the tolerance: nearest
// identical; bilinear within one level, on at most 0.01 % of the view's pixels (`strip`: of the
// whole sweep's, checked by report(): a strip of 8 x 64 pixels cannot have 0.01 % of its own).
void check(render::Renderer& renderer, const render::GpuImage& image, const Subject& s, int width,
           int height, const pixel::ViewMapping& view, const std::string& what, Tally& tally,
           bool strip = false) {
    for (bool linear : {false, true}) {
        const gputest::Both b = gputest::renderBoth(renderer, image, s.instance, {s.buffer, 0, 0},
                                                    s.options, width, height, view, linear, 0);
        const gputest::Diff d = gputest::compare(b.gpu, b.cpu);
        tally.pixels += d.pixels;
        if (linear) {
            tally.differingLinear += d.differing;
            tally.worstLinear = std::max(tally.worstLinear, d.maxDiff);
            ASSERT_TRUE(strip ? d.maxDiff <= 1 : gputest::withinTolerance(d))
                << s.name << " " << what << " bilinear: " << d.differing << " pixels differ, max "
                << d.maxDiff;
        } else {
            tally.differingNearest += d.differing;
            ASSERT_EQ(d.differing, 0u) << s.name << " " << what << " nearest: max " << d.maxDiff;
        }
    }
    ++tally.views;
}

// A W x H view checked through its two strips (see EveryViewportSizeFrom64To1100): all W
// columns with the view's x sampling over 8 image rows shown 1:1, all H rows with its y
// sampling over 8 image columns shown 1:1.
void checkStrips(render::Renderer& renderer, const render::GpuImage& image, const Subject& s,
                 int width, int height, const pixel::ViewMapping& view, const std::string& what,
                 Tally& tally) {
    constexpr int kStrip = 8;
    pixel::ViewMapping columns = view;
    columns.offsetY = -(s.buffer.height() / 2 - kStrip / 2);
    columns.scaleY = 1;
    check(renderer, image, s, width, kStrip, columns, what + " (columns)", tally, true);
    pixel::ViewMapping rows = view;
    rows.offsetX = -(s.buffer.width() / 2 - kStrip / 2);
    rows.scaleX = 1;
    check(renderer, image, s, kStrip, height, rows, what + " (rows)", tally, true);
}

void report(const Subject& s, const char* what, const Tally& t) {
    std::printf(
        "%-14s %-13s %5d views, %7.2f Mpx each way: nearest %zu differ, bilinear %zu "
        "(%.5f %%, max %d)\n",
        s.name.c_str(), what, t.views, t.pixels / 2e6, t.differingNearest, t.differingLinear,
        100.0 * t.differingLinear / std::max<std::size_t>(1, t.pixels / 2), t.worstLinear);
    EXPECT_EQ(t.differingNearest, 0u) << s.name << " " << what;
    EXPECT_LE(t.worstLinear, 1) << s.name << " " << what;
    EXPECT_LE(t.differingLinear * 10000, t.pixels / 2) << s.name << " " << what;
    EXPECT_GT(t.views, 0);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ViewSweep : public ::testing::Test {
protected:
    headless::EglContext& gl = gputest::context();
    render::Renderer renderer{render::Renderer::Limits{}, std::filesystem::path()};
};

}  // namespace

// Every width from 64 to 1100 at the viewer's default height (756) and every height at its default
// width (900), fitted as the viewer and `render --size` fit. Each output pixel's source depends
// on its column's sampling and its row's sampling only (the shader computes x from the column and
// y from the row; renderView makes one table per axis), and a view's column sampling depends only
// on its width, x offset and x scale. So the whole W x H view is checked by two strips: all W
// columns with the view's own x sampling over 8 image rows shown 1:1, and all H rows with its own
// y sampling over 8 columns shown 1:1 (distinct values: a wrong pixel or weight shows), plus the
// source values themselves, which the 1:1 tests hold exact. That costs 16 (W + H) pixels instead
// of W x H, for 2074 views per image.
TEST_F(ViewSweep, EveryViewportSizeFrom64To1100) {
    const auto start = std::chrono::steady_clock::now();
    for (const Subject& s : {fromFile("CT_small.dcm"), randomImage()}) {
        auto image = renderer.upload(s.buffer);
        const int iw = s.buffer.width();
        const int ih = s.buffer.height();
        const double aspect = pixel::pixelAspect(s.instance.geometry);
        Tally tally;
        for (int n = 64; n <= 1100; ++n) {
            for (auto [w, h] : {std::pair{n, 756}, std::pair{900, n}}) {
                checkStrips(renderer, *image, s, w, h, pixel::fitView(iw, ih, aspect, w, h),
                            "fit in " + std::to_string(w) + "x" + std::to_string(h), tally);
                if (HasFatalFailure()) {
                    return;
                }
            }
        }
        report(s, "sizes", tally);
    }
    std::printf("size sweep: %.1f s\n", secondsSince(start));
}

// The views the viewer reaches (viewer::viewMapping, as the viewport and the Compare tab's
// "GPU vs CPU" use it) in its default 900 x 756 viewport: every wheel step from the smallest zoom
// (0.02) to the largest (64), about the centre and about an off-centre cursor (zoomAbout with the
// input mapper's 1.1 per step), through their strips; and whole, with bilinear in both
// directions at once: fit, 1:1, three wheel steps, the seven flips and turns at fit and at a
// wheel zoom, and half-pixel pans of each.
TEST_F(ViewSweep, ViewerZoomsAndPans) {
    const auto start = std::chrono::steady_clock::now();
    constexpr int kWidth = 900;
    constexpr int kHeight = 756;
    for (const Subject& s : {fromFile("CT_small.dcm"), randomImage()}) {
        auto image = renderer.upload(s.buffer);
        viewer::ViewContext ctx;
        ctx.imageWidth = s.buffer.width();
        ctx.imageHeight = s.buffer.height();
        ctx.pixelAspect = pixel::pixelAspect(s.instance.geometry);
        ctx.viewportWidth = kWidth;
        ctx.viewportHeight = kHeight;
        Tally strips;
        Tally whole;
        const viewer::ViewState fit;
        for (auto [cx, cy] : {std::pair{kWidth / 2.0, kHeight / 2.0}, std::pair{270.5, 529.0}}) {
            viewer::ViewState z = fit;
            while (viewer::effectiveZoom(z, ctx) > 0.02) {
                viewer::zoomAbout(z, std::pow(1.1, -1), cx, cy, ctx);
            }
            for (int step = 0;; ++step) {
                checkStrips(renderer, *image, s, kWidth, kHeight, viewer::viewMapping(z, ctx),
                            "wheel step " + std::to_string(step), strips);
                if (HasFatalFailure() || viewer::effectiveZoom(z, ctx) >= 64) {
                    break;
                }
                viewer::zoomAbout(z, 1.1, cx, cy, ctx);
            }
        }
        viewer::ViewState one = fit;
        viewer::oneToOne(one);
        std::vector<std::pair<std::string, viewer::ViewState>> views = {{"fit", fit}, {"1:1", one}};
        for (int steps : {-4, 3, 9}) {
            viewer::ViewState z = fit;
            viewer::zoomAbout(z, std::pow(1.1, steps), 270.5, 529.0, ctx);
            views.emplace_back("wheel " + std::to_string(steps), z);
        }
        // Flips and quarter turns (integer permutations of output pixels before the sampling) at
        // fit and at a wheel zoom.
        for (const pixel::Orientation& o : pixel::Orientation::all()) {
            if (o.identity()) {
                continue;
            }
            for (int steps : {0, 5}) {
                viewer::ViewState turned = fit;
                turned.orientation = o;
                if (steps > 0) {
                    viewer::zoomAbout(turned, std::pow(1.1, steps), 270.5, 529.0, ctx);
                }
                views.emplace_back(o.describe() + " wheel " + std::to_string(steps), turned);
            }
        }
        for (std::size_t k = 0, n = views.size(); k < n; ++k) {
            for (auto [dx, dy] : {std::pair{0.5, 0.5}, std::pair{-0.5, 1.5}}) {
                viewer::ViewState panned = views[k].second;
                viewer::pan(panned, dx, dy);
                views.emplace_back(
                    views[k].first + " panned " + std::to_string(dx) + "," + std::to_string(dy),
                    panned);
            }
        }
        for (const auto& [what, state] : views) {
            check(renderer, *image, s, kWidth, kHeight, viewer::viewMapping(state, ctx), what,
                  whole);
            if (HasFatalFailure()) {
                return;
            }
        }
        report(s, "wheel strips", strips);
        report(s, "whole views", whole);
    }
    std::printf("viewer sweep: %.1f s\n", secondsSince(start));
}

// The series browser's thumbnails (app/series_thumbnails.cpp: the middle image fitted into
// 64 x 64 through Renderer::draw) for images of every width and of every height from 1 to 1100.
TEST_F(ViewSweep, ThumbnailsOfEveryImageSize) {
    const auto start = std::chrono::steady_clock::now();
    constexpr int kThumbnail = 64;
    Tally tally;
    std::mt19937 rng(64);
    for (int n = 1; n <= 1100; ++n) {
        for (auto [w, h] : {std::pair{n, 97}, std::pair{97, n}}) {
            Subject s = randomImage();
            s.name = std::to_string(w) + "x" + std::to_string(h);
            s.instance.pixel.columns = w;
            s.instance.pixel.rows = h;
            s.buffer = model::PixelBuffer(model::SampleType::U16, w, h, 1, 1, false);
            for (std::size_t i = 0; i < s.buffer.frameSampleCount(); ++i) {
                s.buffer.set(0, i, static_cast<std::int64_t>(rng() % 4096));
            }
            auto image = renderer.upload(s.buffer);
            check(renderer, *image, s, kThumbnail, kThumbnail,
                  pixel::fitView(w, h, 1.0, kThumbnail, kThumbnail), "thumbnail", tally, true);
            if (HasFatalFailure()) {
                return;
            }
        }
    }
    report(Subject{"thumbnails", {}, {}, {}}, "image sizes", tally);
    std::printf("thumbnail sweep: %.1f s\n", secondsSince(start));
}
