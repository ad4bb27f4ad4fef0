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

// One viewport's state and the app's, and a mapper: what the tests drive.
struct Fixture {
    input::InputMapper m;
    viewer::ViewState s;
    viewer::AppState app;
    input::Outcome on(const input::Event& e, const std::vector<viewer::Preset>& presets = {}) {
        return m.handle(e, s, app, context(), presets);
    }
};

}  // namespace

TEST(WindowDrag, AcrossTheViewportSpansTheValueRange) {
    viewer::ViewState s;
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
    Fixture f;
    f.s.center = 40;
    f.s.width = 400;
    f.on(event(input::Event::Type::Press, 100, 100));
    EXPECT_TRUE(f.m.dragging());
    f.on(event(input::Event::Type::Move, 140, 100));
    EXPECT_TRUE(f.on(event(input::Event::Type::Move, 200, 130)).changed);
    EXPECT_DOUBLE_EQ(f.s.width, 400 + 100 * 4000.0 / 800);
    EXPECT_DOUBLE_EQ(f.s.center, 40 + 30 * 4000.0 / 600);
    f.on(event(input::Event::Type::Release, 200, 130));
    EXPECT_FALSE(f.m.dragging());
    EXPECT_FALSE(f.on(event(input::Event::Type::Move, 300, 300)).changed);
}

TEST(InputMapper, WheelAndKeysMoveThroughFramesAndSayTheyScrolled) {
    Fixture f;
    f.s.frameCount = 30;
    input::Event wheel = event(input::Event::Type::Wheel, 0, 0);
    wheel.wheel = -1;  // towards the user: next
    input::Outcome o = f.on(wheel);
    EXPECT_EQ(f.s.frame, 1);
    EXPECT_TRUE(o.scrolled);
    EXPECT_FALSE(o.alone);
    wheel.wheel = 1;
    wheel.mods = input::kShift;  // Shift: this viewport alone (its link offset changes)
    o = f.on(wheel);
    EXPECT_EQ(f.s.frame, 0);
    EXPECT_TRUE(o.scrolled && o.alone);
    EXPECT_FALSE(f.on(keyEvent(input::Key::Up)).changed);  // already first
    f.on(keyEvent(input::Key::PageDown));
    EXPECT_EQ(f.s.frame, 10);
    f.on(keyEvent(input::Key::Down));
    EXPECT_EQ(f.s.frame, 11);
    f.on(keyEvent(input::Key::End));
    EXPECT_EQ(f.s.frame, 29);
    EXPECT_FALSE(f.on(keyEvent(input::Key::PageDown)).scrolled);
    f.on(keyEvent(input::Key::Home));
    EXPECT_EQ(f.s.frame, 0);
}

TEST(InputMapper, ZoomKeepsThePointUnderTheCursor) {
    Fixture f;
    const auto ctx = context();
    double ix0 = 0, iy0 = 0;
    viewer::viewportToImage(f.s, ctx, 500, 200, ix0, iy0);
    input::Event wheel = event(input::Event::Type::Wheel, 500, 200);
    wheel.wheel = 2;
    wheel.mods = input::kCtrl;
    f.on(wheel);
    EXPECT_FALSE(f.s.fit);
    EXPECT_NEAR(f.s.zoom, viewer::effectiveZoom(viewer::ViewState{}, ctx) * 1.21, 1e-9);
    double ix1 = 0, iy1 = 0;
    viewer::viewportToImage(f.s, ctx, 500, 200, ix1, iy1);
    EXPECT_NEAR(ix0, ix1, 1e-9);
    EXPECT_NEAR(iy0, iy1, 1e-9);
}

TEST(InputMapper, MiddleDragPansAndKeysToggle) {
    Fixture f;
    f.on(event(input::Event::Type::Press, 10, 10, input::Button::Middle));
    f.on(event(input::Event::Type::Move, 50, 40, input::Button::Middle));
    EXPECT_DOUBLE_EQ(f.s.panX, 40);
    EXPECT_DOUBLE_EQ(f.s.panY, 30);
    f.on(event(input::Event::Type::Release, 50, 40, input::Button::Middle));
    f.on(keyEvent(input::Key::F));
    EXPECT_TRUE(f.s.fit);
    EXPECT_EQ(f.s.panX, 0);
    f.on(keyEvent(input::Key::Digit0));
    EXPECT_FALSE(f.s.fit);
    EXPECT_EQ(f.s.zoom, 1);
    f.on(keyEvent(input::Key::I));
    EXPECT_TRUE(f.s.invert);
    f.on(keyEvent(input::Key::M));
    EXPECT_NE(f.s.colormap, "gray");
    f.on(keyEvent(input::Key::C));
    EXPECT_TRUE(f.s.cine);
    EXPECT_EQ(f.on(keyEvent(input::Key::O, input::kCtrl)).request, input::Request::OpenBrowser);
    EXPECT_EQ(f.on(keyEvent(input::Key::Q, input::kCtrl)).request, input::Request::Quit);
    EXPECT_EQ(f.on(keyEvent(input::Key::A)).request, input::Request::ToggleAnnotations);
    EXPECT_EQ(f.on(keyEvent(input::Key::K)).request, input::Request::ToggleLinkedScrolling);
    const input::Outcome layout = f.on(keyEvent(input::Key::Digit4, input::kCtrl));
    EXPECT_EQ(layout.request, input::Request::Layout);
    EXPECT_EQ(layout.argument, 3);  // 2x2
    EXPECT_EQ(f.on(keyEvent(input::Key::Tab)).request, input::Request::NextViewport);
    EXPECT_EQ(f.on(keyEvent(input::Key::Tab, input::kShift)).request,
              input::Request::PreviousViewport);
}

TEST(InputMapper, NumberKeysApplyPresets) {
    Fixture f;
    const auto presets = viewer::ctPresets();
    f.on(keyEvent(input::Key::Digit4), presets);
    EXPECT_EQ(f.s.center, -600);
    EXPECT_EQ(f.s.width, 1500);
    EXPECT_FALSE(f.on(keyEvent(input::Key::Digit9), presets).changed);  // 8 CT presets
}

TEST(ViewMapping, FitCentresTheImageLetterboxed) {
    viewer::ViewState s;
    const auto ctx = context();
    const auto v = viewer::viewMapping(s, ctx);
    // 256x128 into 800x600: zoom 800/256 = 3.125, image 400 px tall, centred vertically.
    EXPECT_DOUBLE_EQ(v.scaleX, 1 / 3.125);
    EXPECT_DOUBLE_EQ(v.offsetX, 0);
    EXPECT_DOUBLE_EQ(v.offsetY, 100);
}

TEST(InputMapper, MeasuringToolsDrawInImageCoordinates) {
    Fixture f;
    f.app.tool = viewer::Tool::Ellipse;
    f.s.center = 40;
    f.on(event(input::Event::Type::Press, 0, 100));
    f.on(event(input::Event::Type::Move, 400, 300));
    f.on(event(input::Event::Type::Release, 400, 300));
    ASSERT_EQ(f.s.measurements.size(), 1u);
    const auto& m = f.s.measurements[0];
    EXPECT_EQ(m.tool, viewer::Tool::Ellipse);
    EXPECT_TRUE(m.complete);
    EXPECT_DOUBLE_EQ(m.points[0].first, 0);  // viewport (0, 100) is the image's top-left corner
    EXPECT_DOUBLE_EQ(m.points[0].second, 0);
    EXPECT_DOUBLE_EQ(m.points[1].first, 128);  // zoom 3.125: (400, 300) is image (128, 64)
    EXPECT_DOUBLE_EQ(m.points[1].second, 64);
    EXPECT_EQ(f.s.center, 40);  // no window change while measuring
    // A second measurement is added, not a replacement; a click without a drag adds none.
    f.app.tool = viewer::Tool::Line;
    f.on(event(input::Event::Type::Press, 100, 150));
    f.on(event(input::Event::Type::Move, 300, 150));
    f.on(event(input::Event::Type::Release, 300, 150));
    f.on(event(input::Event::Type::Press, 500, 500));
    f.on(event(input::Event::Type::Release, 500, 500));
    ASSERT_EQ(f.s.measurements.size(), 2u);
    EXPECT_EQ(f.s.measurements[1].tool, viewer::Tool::Line);
}

TEST(InputMapper, AngleTakesADragThenAClickAndEscapeCancelsThenLeavesTheTool) {
    Fixture f;
    f.app.tool = viewer::Tool::Angle;
    f.on(event(input::Event::Type::Press, 100, 200));
    f.on(event(input::Event::Type::Move, 300, 200));
    f.on(event(input::Event::Type::Release, 300, 200));
    ASSERT_EQ(f.s.measurements.size(), 1u);
    EXPECT_FALSE(f.s.measurements[0].complete);  // waiting for the second arm
    EXPECT_TRUE(f.m.measuring(f.s));
    f.on(event(input::Event::Type::Press, 300, 400));
    f.on(event(input::Event::Type::Release, 300, 400));
    ASSERT_EQ(f.s.measurements[0].points.size(), 3u);
    EXPECT_TRUE(f.s.measurements[0].complete);
    // A polygon: three clicks, closed on the first vertex; Esc during the next one cancels it.
    f.app.tool = viewer::Tool::Polygon;
    for (auto [x, y] : {std::pair{100, 100}, {300, 100}, {300, 300}, {101, 101}}) {
        f.on(event(input::Event::Type::Press, x, y));
        f.on(event(input::Event::Type::Release, x, y));
    }
    ASSERT_EQ(f.s.measurements.size(), 2u);
    EXPECT_TRUE(f.s.measurements[1].complete);
    EXPECT_EQ(f.s.measurements[1].points.size(), 3u);
    f.on(event(input::Event::Type::Press, 50, 50));
    EXPECT_EQ(f.s.measurements.size(), 3u);
    EXPECT_TRUE(f.on(keyEvent(input::Key::Escape)).changed);
    EXPECT_EQ(f.s.measurements.size(), 2u);
    EXPECT_EQ(f.app.tool, viewer::Tool::Polygon);
    f.on(keyEvent(input::Key::Escape));  // then back to window/level
    EXPECT_EQ(f.app.tool, viewer::Tool::WindowLevel);
    EXPECT_EQ(f.on(keyEvent(input::Key::Escape)).request, input::Request::Escape);
}

TEST(InputMapper, StageKeyCyclesTheStagesAndPinAsksTheApp) {
    using Stage = pixel::DisplayOptions::Stage;
    Fixture f;
    f.s.colormap = "hot";
    model::Instance in;
    in.pixel.photometric = model::Photometric::Monochrome2;
    std::vector<Stage> seen;
    for (int k = 0; k < 4; ++k) {
        EXPECT_TRUE(f.on(keyEvent(input::Key::S)).changed);
        seen.push_back(f.s.stage);
        // Value and VOI stages are grey whatever colormap the output uses.
        EXPECT_EQ(viewer::displayOptions(f.s, in).colormap,
                  f.s.stage == Stage::Output ? "hot" : "gray");
        EXPECT_EQ(viewer::displayOptions(f.s, in).stage, f.s.stage);
    }
    EXPECT_EQ(seen,
              (std::vector<Stage>{Stage::Voi, Stage::Modality, Stage::Stored, Stage::Output}));
    const input::Outcome pin = f.on(keyEvent(input::Key::P));
    EXPECT_FALSE(pin.changed);  // the app knows the pixel
    EXPECT_EQ(pin.request, input::Request::PinProbe);
}

TEST(InputMapper, CtrlEAsksForTheAnnotatedExport) {
    Fixture f;
    EXPECT_EQ(f.on(keyEvent(input::Key::E)).request, input::Request::None);  // E alone: nothing
    EXPECT_EQ(f.on(keyEvent(input::Key::E, input::kCtrl)).request, input::Request::ExportAnnotated);
}

TEST(InputMapper, FlipAndRotateKeysTurnTheViewAndResetUndoesThem) {
    Fixture f;
    f.on(keyEvent(input::Key::BracketRight));
    EXPECT_EQ(f.s.orientation, (pixel::Orientation{1, false}));
    f.on(keyEvent(input::Key::H));
    EXPECT_EQ(f.s.orientation, (pixel::Orientation{3, true}));
    f.on(keyEvent(input::Key::BracketLeft));
    f.on(keyEvent(input::Key::V));
    EXPECT_EQ(f.s.orientation, (pixel::Orientation{0, false}));  // two flips and no net turn
    f.on(keyEvent(input::Key::H));
    f.on(keyEvent(input::Key::R));
    EXPECT_TRUE(f.s.orientation.identity());
}
