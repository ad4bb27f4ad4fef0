#include <gtest/gtest.h>

#include "input/input_mapper.hpp"
#include "viewer/commands.hpp"

using namespace dcmlens;

namespace {

viewer::ViewContext context() {
    viewer::ViewContext ctx;
    ctx.viewportWidth = 800;
    ctx.viewportHeight = 600;
    ctx.imageWidth = 256;
    ctx.imageHeight = 128;
    ctx.valueMin = -1000;
    ctx.valueMax = 3000;
    return ctx;
}

input::Event event(input::Event::Type type, double x, double y,
                   input::Button b = input::Button::Left) {
    input::Event e;
    e.type = type;
    e.x = x;
    e.y = y;
    e.button = b;
    return e;
}

input::Event keyEvent(input::Key key, int mods = 0) {
    input::Event e;
    e.type = input::Event::Type::KeyDown;
    e.key = key;
    e.mods = mods;
    return e;
}

}  // namespace

TEST(WindowDrag, AcrossTheViewportSpansTheValueRange) {
    viewer::ViewerState s;
    viewer::dragWindow(s, 40, 400, 800, 0, context(), false);
    EXPECT_DOUBLE_EQ(s.width, 4400);
    EXPECT_DOUBLE_EQ(s.center, 40);
    viewer::dragWindow(s, 40, 400, 0, -300, context(), false);
    EXPECT_DOUBLE_EQ(s.center, 40 - 2000);
    viewer::dragWindow(s, 40, 400, 80, 60, context(), true);  // Shift: a tenth of the gain
    EXPECT_DOUBLE_EQ(s.width, 440);
    EXPECT_DOUBLE_EQ(s.center, 80);
    viewer::dragWindow(s, 40, 400, -800, 0, context(), false);
    EXPECT_DOUBLE_EQ(s.width, 1);  // never below 1
}

TEST(InputMapper, LeftDragIsWindowLevelFromThePressPoint) {
    input::InputMapper m;
    viewer::ViewerState s;
    s.center = 40;
    s.width = 400;
    m.handle(event(input::Event::Type::Press, 100, 100), s, context(), {});
    EXPECT_TRUE(m.dragging());
    m.handle(event(input::Event::Type::Move, 140, 100), s, context(), {});
    EXPECT_TRUE(m.handle(event(input::Event::Type::Move, 200, 130), s, context(), {}));
    EXPECT_DOUBLE_EQ(s.width, 400 + 100 * 4000.0 / 800);
    EXPECT_DOUBLE_EQ(s.center, 40 + 30 * 4000.0 / 600);
    m.handle(event(input::Event::Type::Release, 200, 130), s, context(), {});
    EXPECT_FALSE(m.dragging());
    EXPECT_FALSE(m.handle(event(input::Event::Type::Move, 300, 300), s, context(), {}));
}

TEST(InputMapper, WheelAndKeysMoveThroughFrames) {
    input::InputMapper m;
    viewer::ViewerState s;
    s.frameCount = 30;
    input::Event wheel = event(input::Event::Type::Wheel, 0, 0);
    wheel.wheel = -1;  // towards the user: next
    m.handle(wheel, s, context(), {});
    EXPECT_EQ(s.frame, 1);
    wheel.wheel = 1;
    m.handle(wheel, s, context(), {});
    EXPECT_EQ(s.frame, 0);
    EXPECT_FALSE(m.handle(keyEvent(input::Key::Up), s, context(), {}));  // already first
    m.handle(keyEvent(input::Key::PageDown), s, context(), {});
    EXPECT_EQ(s.frame, 10);
    m.handle(keyEvent(input::Key::Down), s, context(), {});
    EXPECT_EQ(s.frame, 11);
    m.handle(keyEvent(input::Key::End), s, context(), {});
    EXPECT_EQ(s.frame, 29);
    m.handle(keyEvent(input::Key::PageDown), s, context(), {});
    EXPECT_EQ(s.frame, 29);
    m.handle(keyEvent(input::Key::Home), s, context(), {});
    EXPECT_EQ(s.frame, 0);
}

TEST(InputMapper, ZoomKeepsThePointUnderTheCursor) {
    input::InputMapper m;
    viewer::ViewerState s;
    const auto ctx = context();
    double ix0 = 0, iy0 = 0;
    viewer::viewportToImage(s, ctx, 500, 200, ix0, iy0);
    input::Event wheel = event(input::Event::Type::Wheel, 500, 200);
    wheel.wheel = 2;
    wheel.mods = input::kCtrl;
    m.handle(wheel, s, ctx, {});
    EXPECT_FALSE(s.fit);
    EXPECT_NEAR(s.zoom, viewer::effectiveZoom(viewer::ViewerState{}, ctx) * 1.21, 1e-9);
    double ix1 = 0, iy1 = 0;
    viewer::viewportToImage(s, ctx, 500, 200, ix1, iy1);
    EXPECT_NEAR(ix0, ix1, 1e-9);
    EXPECT_NEAR(iy0, iy1, 1e-9);
}

TEST(InputMapper, MiddleDragPansAndKeysToggle) {
    input::InputMapper m;
    viewer::ViewerState s;
    m.handle(event(input::Event::Type::Press, 10, 10, input::Button::Middle), s, context(), {});
    m.handle(event(input::Event::Type::Move, 50, 40, input::Button::Middle), s, context(), {});
    EXPECT_DOUBLE_EQ(s.panX, 40);
    EXPECT_DOUBLE_EQ(s.panY, 30);
    m.handle(event(input::Event::Type::Release, 50, 40, input::Button::Middle), s, context(), {});
    m.handle(keyEvent(input::Key::F), s, context(), {});
    EXPECT_TRUE(s.fit);
    EXPECT_EQ(s.panX, 0);
    m.handle(keyEvent(input::Key::Digit0), s, context(), {});
    EXPECT_FALSE(s.fit);
    EXPECT_EQ(s.zoom, 1);
    m.handle(keyEvent(input::Key::I), s, context(), {});
    EXPECT_TRUE(s.invert);
    m.handle(keyEvent(input::Key::M), s, context(), {});
    EXPECT_NE(s.colormap, "gray");
    m.handle(keyEvent(input::Key::C), s, context(), {});
    EXPECT_TRUE(s.cine);
    EXPECT_EQ(m.takeRequest(), input::Request::ToggleCine);
    m.handle(keyEvent(input::Key::O, input::kCtrl), s, context(), {});
    EXPECT_EQ(m.takeRequest(), input::Request::OpenBrowser);
    EXPECT_EQ(m.takeRequest(), input::Request::None);
}

TEST(InputMapper, NumberKeysApplyPresets) {
    input::InputMapper m;
    viewer::ViewerState s;
    const auto presets = viewer::ctPresets();
    m.handle(keyEvent(input::Key::Digit4), s, context(), presets);
    EXPECT_EQ(s.center, -600);
    EXPECT_EQ(s.width, 1500);
    EXPECT_FALSE(m.handle(keyEvent(input::Key::Digit9), s, context(), presets));  // 8 CT presets
}

TEST(ViewMapping, FitCentresTheImageLetterboxed) {
    viewer::ViewerState s;
    const auto ctx = context();
    const auto v = viewer::viewMapping(s, ctx);
    // 256x128 into 800x600: zoom 800/256 = 3.125, image 400 px tall, centred vertically.
    EXPECT_DOUBLE_EQ(v.scaleX, 1 / 3.125);
    EXPECT_DOUBLE_EQ(v.offsetX, 0);
    EXPECT_DOUBLE_EQ(v.offsetY, 100);
}

TEST(InputMapper, MeasuringToolsDrawInImageCoordinates) {
    input::InputMapper m;
    viewer::ViewerState s;
    s.tool = viewer::Tool::Ellipse;
    s.center = 40;
    const auto ctx = context();
    m.handle(event(input::Event::Type::Press, 0, 100), s, ctx, {});
    m.handle(event(input::Event::Type::Move, 400, 300), s, ctx, {});
    ASSERT_TRUE(s.measurement);
    EXPECT_EQ(s.measurement->tool, viewer::Tool::Ellipse);
    EXPECT_DOUBLE_EQ(s.measurement->x0, 0);  // viewport (0, 100) is the image's top-left corner
    EXPECT_DOUBLE_EQ(s.measurement->y0, 0);
    EXPECT_DOUBLE_EQ(s.measurement->x1, 128);  // zoom 3.125: (400, 300) is image (128, 64)
    EXPECT_DOUBLE_EQ(s.measurement->y1, 64);
    EXPECT_EQ(s.center, 40);  // no window change while measuring
}

TEST(InputMapper, StageKeyCyclesTheStagesAndPinAsksTheApp) {
    using Stage = pixel::DisplayOptions::Stage;
    input::InputMapper m;
    viewer::ViewerState s;
    s.colormap = "hot";
    model::Instance in;
    in.pixel.photometric = model::Photometric::Monochrome2;
    std::vector<Stage> seen;
    for (int k = 0; k < 4; ++k) {
        EXPECT_TRUE(m.handle(keyEvent(input::Key::S), s, context(), {}));
        seen.push_back(s.stage);
        // Value and VOI stages are grey whatever colormap the output uses.
        EXPECT_EQ(viewer::displayOptions(s, in).colormap,
                  s.stage == Stage::Output ? "hot" : "gray");
        EXPECT_EQ(viewer::displayOptions(s, in).stage, s.stage);
    }
    EXPECT_EQ(seen,
              (std::vector<Stage>{Stage::Voi, Stage::Modality, Stage::Stored, Stage::Output}));
    EXPECT_FALSE(m.handle(keyEvent(input::Key::P), s, context(), {}));  // the app knows the pixel
    EXPECT_EQ(m.takeRequest(), input::Request::PinProbe);
}

TEST(InputMapper, CtrlEAsksForTheAnnotatedExport) {
    input::InputMapper m;
    viewer::ViewerState s;
    m.handle(keyEvent(input::Key::E), s, context(), {});
    EXPECT_EQ(m.takeRequest(), input::Request::None);  // E alone does nothing
    m.handle(keyEvent(input::Key::E, input::kCtrl), s, context(), {});
    EXPECT_EQ(m.takeRequest(), input::Request::ExportAnnotated);
}
