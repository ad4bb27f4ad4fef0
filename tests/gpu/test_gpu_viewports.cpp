// The viewports below the app layer, through EGL: flipped and rotated views against the CPU
// reference, the workspace's shared sessions and the viewport set's render keys (a change of one
// viewport redraws that viewport only; turning and switching upload nothing), and the resident
// window of an over-budget stack sliding without a new session.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "dicom/dicom_file.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/render.hpp"
#include "render/renderer.hpp"
#include "series/image_source.hpp"
#include "series/stack.hpp"
#include "test_support.hpp"
#include "workspace/viewports.hpp"

using namespace dcmlens;
using Storage = render::Renderer::Storage;

namespace {

using gputest::compare;
using gputest::Diff;

}  // namespace

class Views : public ::testing::TestWithParam<Storage> {
protected:
    headless::EglContext& gl = gputest::context();
    render::Renderer renderer{render::Renderer::Limits{0, GetParam()}, std::filesystem::path()};
};

INSTANTIATE_TEST_SUITE_P(Storage, Views,
                         ::testing::Values(Storage::Textures, Storage::SharedMemory),
                         [](const ::testing::TestParamInfo<Storage>& info) {
                             return std::string(info.param == Storage::Textures ? "Textures"
                                                                                : "SharedMemory");
                         });

// Every flip and rotation, fitted and zoomed with a pan, nearest and bilinear: the shader's
// output pixels take the same image points as the CPU reference's.
TEST_P(Views, FlippedAndRotatedViewsMatchTheCpu) {
    dicom::DicomFile file(std::string(DCMLENS_CORPUS) + "/MR_small.dcm");
    const model::PixelBuffer buffer = file.decodeFrame(0);
    const model::Instance& in = file.instance();
    auto image = renderer.upload(buffer);
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    o.center = 600;
    o.width = 1200;
    const auto pipeline = pixel::makeGrayPipeline(in, {buffer, 0, 0}, o);
    for (const auto& orientation : pixel::Orientation::all()) {
        for (bool fit : {true, false}) {
            viewer::ViewState s;
            s.orientation = orientation;
            s.fit = fit;
            // A zoom and pan exact in float that put no output pixel centre on an image pixel's
            // edge: rounding and ties are the 2D sampling's own question (its sweep), not the
            // orientation's.
            s.zoom = 4;
            s.panX = 13.25;
            s.panY = -21.75;
            viewer::ViewContext ctx;
            ctx.viewportWidth = 301;
            ctx.viewportHeight = 233;
            ctx.imageWidth = buffer.width();
            ctx.imageHeight = buffer.height();
            const pixel::ViewMapping view = viewer::viewMapping(s, ctx);
            for (bool linear : {false, true}) {
                const pixel::Image cpu =
                    pixel::renderView(in, {buffer, 0, 0}, o, 301, 233, view, linear);
                render::Framebuffer target(301, 233);
                target.bind();
                render::DrawRequest r;
                r.instance = &in;
                r.gray = &pipeline;
                r.view = view;
                r.linear = linear;
                r.outputWidth = 301;
                r.outputHeight = 233;
                renderer.draw(*image, r);
                const Diff d = compare(target.read(1), cpu);
                const std::string what = orientation.describe() + (fit ? ", fit" : ", zoomed") +
                                         (linear ? ", bilinear" : ", nearest");
                if (linear) {  // one level on at most 0.01 %, as for every bilinear view
                    EXPECT_TRUE(d.maxDiff <= 1 && d.differing * 10000 <= d.pixels) << what;
                } else {
                    EXPECT_EQ(d.maxDiff, 0) << what << ": " << d.differing << " pixels";
                }
            }
        }
    }
}

namespace {

// Opens sources into a workspace and pumps until they joined and the shown sessions are
// resident.
void settle(workspace::Workspace& ws, workspace::ViewportSet& set,
            const std::vector<std::pair<int, int>>& sizes) {
    for (int i = 0; i < 4000; ++i) {
        ws.update(64 << 20);
        set.refresh(ws);
        bool done = !ws.opening();
        for (const auto& s : ws.series()) {
            done = done && (!s.session || s.session->allResident());
        }
        if (done && i > 2) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    set.render(ws, sizes);
}

}  // namespace

TEST_P(Views, OneViewportsChangeRedrawsItAloneAndTurningOrSwitchingUploadsNothing) {
    workspace::Workspace ws(renderer);
    ws.open(series::openDemo());
    ws.update(64 << 20);
    ASSERT_EQ(ws.series().size(), 1u);
    const int id = ws.series().front().id;
    workspace::ViewportSet set;
    set.setGrid({2, 2});
    for (int k = 0; k < 3; ++k) {
        set.show(k, id, ws);  // three views of one series: one session
    }
    const std::vector<std::pair<int, int>> sizes(4, {160, 120});
    settle(ws, set, sizes);
    int sessions = 0;
    for (const auto& s : ws.series()) {
        sessions += s.session ? 1 : 0;
    }
    EXPECT_EQ(sessions, 1);
    auto draws = [&] {
        std::vector<int> d;
        for (const auto& v : set.viewports()) {
            d.push_back(v.draws());
        }
        return d;
    };
    set.render(ws, sizes);
    const std::vector<int> before = draws();
    EXPECT_EQ(set.render(ws, sizes), 0);  // nothing changed: nothing drawn
    const std::uint64_t uploaded = renderer.uploadedBytes();
    // A window change in viewport 1 redraws viewport 1 only.
    set.viewports()[1].view.center += 50;
    EXPECT_EQ(set.render(ws, sizes), 1);
    std::vector<int> now = draws();
    EXPECT_EQ(now[0], before[0]);
    EXPECT_EQ(now[1], before[1] + 1);
    EXPECT_EQ(now[2], before[2]);
    EXPECT_EQ(now[3], before[3]);
    // Flips, rotations, frames and another active viewport upload nothing.
    viewer::flipHorizontally(set.viewports()[0].view);
    viewer::rotateClockwise(set.viewports()[2].view);
    set.viewports()[2].view.frame = 40;
    set.setActive(2);
    EXPECT_EQ(set.render(ws, sizes), 2);
    set.setActive(0);
    EXPECT_EQ(set.render(ws, sizes), 0);
    EXPECT_EQ(renderer.uploadedBytes(), uploaded);
    // The rotated viewport's framebuffer is the CPU reference of its view.
    const workspace::Viewport& v = set.viewports()[2];
    const model::Instance& in = ws.find(id)->stack.instances[40].operator*();
    const pixel::Image cpu =
        pixel::renderView(in, {in.stored, 0, 0}, viewer::displayOptions(v.view, in), 160, 120,
                          viewer::viewMapping(v.view, set.context(v, ws, 160, 120)), false);
    EXPECT_EQ(compare(v.target()->read(1), cpu).maxDiff, 0);
}

// Scrolling outside the resident window of an over-budget series slides the window: the same
// session, new frames resident with their exact values (the defect: the viewer rebuilt the whole
// session, dropping every viewport's state).
TEST_P(Views, TheResidentWindowSlidesWithoutANewSession) {
    const series::SeriesStack stack = series::demoStack(40, 32);
    const std::uint64_t frameBytes = 32 * 32 * 2;
    session::MemoryBudget budget;
    budget.hostBytes = budget.gpuBytes = 10 * frameBytes + frameBytes / 2;  // 10 images
    session::StackSession s(renderer, stack, 25, budget);
    auto pumpAll = [&] {
        for (int i = 0; i < 2000 && !s.allResident(); ++i) {
            s.pump(1 << 20);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    };
    pumpAll();
    ASSERT_TRUE(s.allResident());
    EXPECT_EQ(s.windowStart(), 20);
    s.focus(3);  // far outside: the window recentres on image 4
    EXPECT_EQ(s.slides(), 1);
    EXPECT_EQ(s.windowStart(), 0);
    EXPECT_FALSE(s.resident(25));
    pumpAll();
    ASSERT_TRUE(s.allResident());
    for (int f = 0; f < 40; ++f) {
        EXPECT_EQ(s.resident(f), f < 10) << f;
    }
    for (int f : {0, 3, 9}) {
        const model::PixelBuffer& want = stack.instances[static_cast<std::size_t>(f)]->stored;
        for (auto [x, y] : {std::pair{0, 0}, std::pair{17, 9}, std::pair{31, 31}}) {
            EXPECT_EQ(s.storedValue(f, x, y), want.at(0, x, y, 0)) << f;
        }
    }
    s.focus(8);  // inside: no slide
    EXPECT_EQ(s.slides(), 1);
    s.focus(35);
    pumpAll();
    EXPECT_EQ(s.windowStart(), 30);
    EXPECT_TRUE(s.resident(39));
    EXPECT_EQ(s.storedValue(37, 5, 6), stack.instances[37]->stored.at(0, 5, 6, 0));
}
