#pragma once

#include <optional>

#include "app/app_context.hpp"

namespace dcmlens::app {

// Every stage of pixel (x, y) of `frame` in viewport k's stack, through that viewport's display
// pipeline (whatever stage the image shows): from the same code as the render. None when the
// frame is not resident or the pixel is outside the image.
std::optional<Probe> probePixel(workspace::Workspace& workspace, const workspace::Viewport& v,
                                int k, int frame, int x, int y);

}  // namespace dcmlens::app
