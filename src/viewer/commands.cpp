#include "viewer/commands.hpp"

#include <algorithm>
#include <cmath>

namespace dcmlens::viewer {

std::vector<Preset> ctPresets() {
    return {{"Brain", 40, 80},    {"Subdural", 75, 215},    {"Stroke", 40, 40},
            {"Lung", -600, 1500}, {"Mediastinum", 50, 350}, {"Abdomen", 40, 400},
            {"Liver", 60, 160},   {"Bone", 400, 1800}};
}

void dragWindow(ViewerState& state, double startCenter, double startWidth, double dx, double dy,
                const ViewContext& ctx, bool fine) {
    const double range = std::max(1.0, ctx.valueMax - ctx.valueMin);
    const double gain = fine ? 0.1 : 1.0;
    state.width = std::max(1.0, startWidth + dx * range / std::max(1, ctx.viewportWidth) * gain);
    state.center = startCenter + dy * range / std::max(1, ctx.viewportHeight) * gain;
    state.voiLut.reset();
}

void stepFrame(ViewerState& state, int delta) {
    goToFrame(state, state.frame + delta);
}

void goToFrame(ViewerState& state, int frame) {
    state.frame = std::clamp(frame, 0, std::max(0, state.frameCount - 1));
}

namespace {

double fitZoom(const ViewContext& ctx) {
    const double shownW = ctx.imageWidth;
    const double shownH = ctx.imageHeight * ctx.pixelAspect;
    return std::min(ctx.viewportWidth / shownW, ctx.viewportHeight / shownH);
}

}  // namespace

double effectiveZoom(const ViewerState& state, const ViewContext& ctx) {
    return state.fit ? fitZoom(ctx) : state.zoom;
}

pixel::ViewMapping viewMapping(const ViewerState& state, const ViewContext& ctx) {
    const double z = effectiveZoom(state, ctx);
    pixel::ViewMapping v;
    v.offsetX = ctx.viewportWidth / 2.0 + state.panX - ctx.imageWidth * z / 2;
    v.offsetY = ctx.viewportHeight / 2.0 + state.panY - ctx.imageHeight * ctx.pixelAspect * z / 2;
    v.scaleX = 1 / z;
    v.scaleY = 1 / (z * ctx.pixelAspect);
    return v;
}

void viewportToImage(const ViewerState& state, const ViewContext& ctx, double vx, double vy,
                     double& ix, double& iy) {
    const pixel::ViewMapping v = viewMapping(state, ctx);
    ix = (vx - v.offsetX) * v.scaleX;
    iy = (vy - v.offsetY) * v.scaleY;
}

void zoomAbout(ViewerState& state, double factor, double cursorX, double cursorY,
               const ViewContext& ctx) {
    double ix = 0;
    double iy = 0;
    viewportToImage(state, ctx, cursorX, cursorY, ix, iy);
    const double z = std::clamp(effectiveZoom(state, ctx) * factor, 0.02, 64.0);
    state.fit = false;
    state.zoom = z;
    // Keep (ix, iy) under the cursor: offset = cursor - i / scale.
    state.panX = cursorX - ix * z - ctx.viewportWidth / 2.0 + ctx.imageWidth * z / 2;
    state.panY = cursorY - iy * z * ctx.pixelAspect - ctx.viewportHeight / 2.0 +
                 ctx.imageHeight * ctx.pixelAspect * z / 2;
}

pixel::DisplayOptions displayOptions(const ViewerState& state, const model::Instance& instance) {
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

void nextStage(ViewerState& state) {
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

void pan(ViewerState& state, double dx, double dy) {
    state.panX += dx;
    state.panY += dy;
}

void fitView(ViewerState& state) {
    state.fit = true;
    state.panX = 0;
    state.panY = 0;
}

void oneToOne(ViewerState& state, const ViewContext&) {
    state.fit = false;
    state.zoom = 1;
    state.panX = 0;
    state.panY = 0;
}

}  // namespace dcmlens::viewer
