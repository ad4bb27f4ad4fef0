#include "viewer/commands.hpp"

#include <algorithm>
#include <cmath>

namespace dcmlens::viewer {

// Geometry of a view: the renderer maps output pixels to "view" pixels through the flip and
// rotation (pixel/orientation.hpp), and view pixels to the image through an offset and a scale.
// Zoom and fit are properties of the view frame (a quarter turn swaps its width and height); the
// pan is kept in screen pixels (a middle drag of +40 px moves the image +40 px on the screen)
// and turned into the view frame here.

std::vector<Preset> ctPresets() {
    return {{"Brain", 40, 80},    {"Subdural", 75, 215},    {"Stroke", 40, 40},
            {"Lung", -600, 1500}, {"Mediastinum", 50, 350}, {"Abdomen", 40, 400},
            {"Liver", 60, 160},   {"Bone", 400, 1800}};
}

const char* toolName(Tool tool) {
    switch (tool) {
        case Tool::WindowLevel:
            return "window/level";
        case Tool::Rectangle:
            return "rectangle";
        case Tool::Ellipse:
            return "ellipse";
        case Tool::Line:
            return "line";
        case Tool::Angle:
            return "angle";
        case Tool::CobbAngle:
            return "cobb angle";
        case Tool::Polygon:
            return "polygon";
    }
    return "?";
}

void dragWindow(ViewState& state, double startCenter, double startWidth, double dx, double dy,
                const ViewContext& ctx, bool fine) {
    const double range = std::max(1.0, ctx.valueMax - ctx.valueMin);
    const double gain = fine ? 0.1 : 1.0;
    state.width = std::max(1.0, startWidth + dx * range / std::max(1, ctx.viewportWidth) * gain);
    state.center = startCenter + dy * range / std::max(1, ctx.viewportHeight) * gain;
    state.voiLut.reset();
}

void stepFrame(ViewState& state, int delta) {
    goToFrame(state, state.frame + delta);
}

void goToFrame(ViewState& state, int frame) {
    state.frame = std::clamp(frame, 0, std::max(0, state.frameCount - 1));
}

namespace {

struct ViewFrame {
    double width = 1;  // of the view (the unturned output)
    double height = 1;
    double panU = 0;  // the pan in view pixels
    double panV = 0;
};

ViewFrame viewFrame(const ViewState& state, const ViewContext& ctx) {
    ViewFrame f;
    const pixel::Orientation& o = state.orientation;
    f.width = pixel::viewWidth(o, ctx.viewportWidth, ctx.viewportHeight);
    f.height = pixel::viewHeight(o, ctx.viewportWidth, ctx.viewportHeight);
    pixel::outputDeltaToView(o, state.panX, state.panY, f.panU, f.panV);
    return f;
}

double fitZoom(const ViewState& state, const ViewContext& ctx) {
    const ViewFrame f = viewFrame(state, ctx);
    const double shownW = ctx.imageWidth;
    const double shownH = ctx.imageHeight * ctx.pixelAspect;
    return std::min(f.width / shownW, f.height / shownH);
}

void setViewPan(ViewState& state, double panU, double panV) {
    pixel::viewDeltaToOutput(state.orientation, panU, panV, state.panX, state.panY);
}

}  // namespace

double effectiveZoom(const ViewState& state, const ViewContext& ctx) {
    return state.fit ? fitZoom(state, ctx) : state.zoom;
}

pixel::ViewMapping viewMapping(const ViewState& state, const ViewContext& ctx) {
    const double z = effectiveZoom(state, ctx);
    const ViewFrame f = viewFrame(state, ctx);
    pixel::ViewMapping v;
    v.offsetX = f.width / 2.0 + f.panU - ctx.imageWidth * z / 2;
    v.offsetY = f.height / 2.0 + f.panV - ctx.imageHeight * ctx.pixelAspect * z / 2;
    v.scaleX = 1 / z;
    v.scaleY = 1 / (z * ctx.pixelAspect);
    v.orientation = state.orientation;
    return v;
}

void viewportToImage(const ViewState& state, const ViewContext& ctx, double vx, double vy,
                     double& ix, double& iy) {
    const pixel::ViewMapping v = viewMapping(state, ctx);
    double u = 0;
    double w = 0;
    pixel::outputToView(state.orientation, ctx.viewportWidth, ctx.viewportHeight, vx, vy, u, w);
    ix = (u - v.offsetX) * v.scaleX;
    iy = (w - v.offsetY) * v.scaleY;
}

void imageToViewport(const ViewState& state, const ViewContext& ctx, double ix, double iy,
                     double& vx, double& vy) {
    const pixel::ViewMapping v = viewMapping(state, ctx);
    const double u = ix / v.scaleX + v.offsetX;
    const double w = iy / v.scaleY + v.offsetY;
    pixel::viewToOutput(state.orientation, ctx.viewportWidth, ctx.viewportHeight, u, w, vx, vy);
}

void imageDirectionOnScreen(const ViewState& state, double dx, double dy, double& sx, double& sy) {
    pixel::viewDeltaToOutput(state.orientation, dx, dy, sx, sy);
}

void zoomAbout(ViewState& state, double factor, double cursorX, double cursorY,
               const ViewContext& ctx) {
    double ix = 0;
    double iy = 0;
    viewportToImage(state, ctx, cursorX, cursorY, ix, iy);
    const double z = std::clamp(effectiveZoom(state, ctx) * factor, 0.02, 64.0);
    state.fit = false;
    state.zoom = z;
    // Keep (ix, iy) under the cursor: in the view frame, offset = cursor - i / scale.
    const ViewFrame f = viewFrame(state, ctx);
    double cu = 0;
    double cv = 0;
    pixel::outputToView(state.orientation, ctx.viewportWidth, ctx.viewportHeight, cursorX, cursorY,
                        cu, cv);
    setViewPan(
        state, cu - ix * z - f.width / 2.0 + ctx.imageWidth * z / 2,
        cv - iy * z * ctx.pixelAspect - f.height / 2.0 + ctx.imageHeight * ctx.pixelAspect * z / 2);
}

namespace {

// Changes the orientation keeping the image point at the viewport's centre where it is: that
// point depends only on the pan in the view frame, which is kept.
void reorient(ViewState& state, const pixel::Orientation& next) {
    double panU = 0;
    double panV = 0;
    pixel::outputDeltaToView(state.orientation, state.panX, state.panY, panU, panV);
    state.orientation = next;
    setViewPan(state, panU, panV);
}

}  // namespace

void rotateClockwise(ViewState& state) {
    reorient(state, state.orientation.rotatedClockwise());
}
void rotateCounterClockwise(ViewState& state) {
    reorient(state, state.orientation.rotatedCounterClockwise());
}
void flipHorizontally(ViewState& state) {
    reorient(state, state.orientation.flippedHorizontally());
}
void flipVertically(ViewState& state) {
    reorient(state, state.orientation.flippedVertically());
}

pixel::DisplayOptions displayOptions(const ViewState& state, const model::Instance& instance) {
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    o.center = state.center;
    o.width = state.width;
    o.voiFunction = state.function;
    o.voiLutIndex = state.voiLut;
    o.colormap = state.stage == pixel::DisplayOptions::Stage::Output ? state.colormap : "gray";
    o.stage = state.stage;
    const bool inverse = pixel::invertsOutput(instance, pixel::DisplayOptions{}) != state.invert;
    o.presentation =
        inverse ? model::PresentationShape::Inverse : model::PresentationShape::Identity;
    return o;
}

void nextStage(ViewState& state) {
    using Stage = pixel::DisplayOptions::Stage;
    switch (state.stage) {
        case Stage::Output:
            state.stage = Stage::Voi;
            break;
        case Stage::Voi:
            state.stage = Stage::Modality;
            break;
        case Stage::Modality:
            state.stage = Stage::Stored;
            break;
        case Stage::Stored:
            state.stage = Stage::Output;
            break;
    }
}

void pan(ViewState& state, double dx, double dy) {
    state.panX += dx;
    state.panY += dy;
}

void fitView(ViewState& state) {
    state.fit = true;
    state.panX = 0;
    state.panY = 0;
}

void oneToOne(ViewState& state) {
    state.fit = false;
    state.zoom = 1;
    state.panX = 0;
    state.panY = 0;
}

}  // namespace dcmlens::viewer
