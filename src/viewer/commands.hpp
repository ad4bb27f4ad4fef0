#pragma once

#include "pixel/render.hpp"
#include "viewer/viewer_state.hpp"

namespace dcmlens::viewer {

// What the commands need to know about the displayed image and the viewport.
struct ViewContext {
    int viewportWidth = 1;
    int viewportHeight = 1;
    int imageWidth = 1;
    int imageHeight = 1;
    double pixelAspect = 1;  // height:width of an image pixel
    double valueMin = 0;     // modality value range of the image, for window gains
    double valueMax = 1;
};

// Left-drag window/level: horizontal motion changes the width, vertical the center (drag down:
// higher center, darker image; right: wider, less contrast). A drag across the whole viewport
// spans the image's value range; `fine` (Shift) divides the gain by 10. Width stays >= 1.
void dragWindow(ViewerState& state, double startCenter, double startWidth, double dx, double dy,
                const ViewContext& ctx, bool fine);

// The next stage of the stage view: output -> VOI -> modality -> stored -> output.
void nextStage(ViewerState& state);

// Frame stepping, clamped to the stack.
void stepFrame(ViewerState& state, int delta);
void goToFrame(ViewerState& state, int frame);

// Zoom by a factor keeping the image point under (cursorX, cursorY) (viewport pixels) in place.
void zoomAbout(ViewerState& state, double factor, double cursorX, double cursorY,
               const ViewContext& ctx);
void pan(ViewerState& state, double dx, double dy);
void fitView(ViewerState& state);
void oneToOne(ViewerState& state, const ViewContext& ctx);  // one image pixel per screen pixel

// The zoom in effect (screen pixels per image column).
double effectiveZoom(const ViewerState& state, const ViewContext& ctx);

// Output pixel -> image mapping for the renderer, from the view state.
pixel::ViewMapping viewMapping(const ViewerState& state, const ViewContext& ctx);

// The display pipeline the state asks for: its window, VOI function or LUT, colormap, and the
// user's inversion relative to how the image shows by default (MONOCHROME1, Presentation LUT),
// and the stage shown (value stages get the window the caller computes from the frame).
pixel::DisplayOptions displayOptions(const ViewerState& state, const model::Instance& instance);

// Image point (in image pixels) under a viewport point, and back.
void viewportToImage(const ViewerState& state, const ViewContext& ctx, double vx, double vy,
                     double& ix, double& iy);

}  // namespace dcmlens::viewer
