#pragma once

#include "pixel/render.hpp"
#include "viewer/view_state.hpp"

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
// spans the image's value range; `fine` (Shift) divides the gain by 10. Width stays >= 1. The
// drag is in screen pixels whatever the view's flip and rotation.
void dragWindow(ViewState& state, double startCenter, double startWidth, double dx, double dy,
                const ViewContext& ctx, bool fine);

// The next stage of the stage view: output -> VOI -> modality -> stored -> output.
void nextStage(ViewState& state);

// Frame stepping, clamped to the stack.
void stepFrame(ViewState& state, int delta);
void goToFrame(ViewState& state, int frame);

// Zoom by a factor keeping the image point under (cursorX, cursorY) (viewport pixels) in place.
void zoomAbout(ViewState& state, double factor, double cursorX, double cursorY,
               const ViewContext& ctx);
void pan(ViewState& state, double dx, double dy);  // screen pixels
void fitView(ViewState& state);
void oneToOne(ViewState& state);  // one image pixel per screen pixel (columns)

// Flip and rotation as the user sees them on the screen (keys and menu). The image point at the
// viewport's centre stays there.
void rotateClockwise(ViewState& state);
void rotateCounterClockwise(ViewState& state);
void flipHorizontally(ViewState& state);
void flipVertically(ViewState& state);

// The zoom in effect (screen pixels per image column).
double effectiveZoom(const ViewState& state, const ViewContext& ctx);

// Output pixel -> image mapping for the renderer, from the view state (orientation included).
pixel::ViewMapping viewMapping(const ViewState& state, const ViewContext& ctx);

// The display pipeline the state asks for: its window, VOI function or LUT, colormap, and the
// user's inversion relative to how the image shows by default (MONOCHROME1, Presentation LUT),
// and the stage shown (value stages get the window the caller computes from the frame).
pixel::DisplayOptions displayOptions(const ViewState& state, const model::Instance& instance);

// Image point (in image pixels, continuous: pixel (c, r) covers [c, c+1) x [r, r+1)) under a
// viewport point, and back: the inverse of each other for every flip and rotation.
void viewportToImage(const ViewState& state, const ViewContext& ctx, double vx, double vy,
                     double& ix, double& iy);
void imageToViewport(const ViewState& state, const ViewContext& ctx, double ix, double iy,
                     double& vx, double& vy);

// A unit direction of the image (column direction (1, 0), row direction (0, 1)...) as a screen
// direction, for orientation markers: where the image's +column axis points on the screen.
void imageDirectionOnScreen(const ViewState& state, double dx, double dy, double& sx, double& sy);

}  // namespace dcmlens::viewer
