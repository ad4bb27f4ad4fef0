#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "pixel/render.hpp"

namespace dcmlens::viewer {

// A named window for number keys 1-9 (RadiAnt / Horos conventions, values in HU for CT).
struct Preset {
    std::string name;
    double center = 0;
    double width = 0;
};

// Presets by modality: CT has the usual clinical windows; other modalities get the automatic
// ones (the caller adds min-max and 1-99 % from the data).
std::vector<Preset> ctPresets();

// What a left-drag does: window/level, or draw a measurement.
enum class Tool { WindowLevel, Rectangle, Ellipse, Line };

// A measurement drawn on the image, in image pixel coordinates (start and end of the drag).
struct Measurement {
    Tool tool = Tool::Rectangle;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int frame = 0;
};

// A pinned probe: a pixel whose every pipeline stage stays listed (and marked on the image).
struct Pin {
    int x = 0;
    int y = 0;
    int frame = 0;
};

// Everything the user controls in the viewer. No GL, no ImGui: panels and input read and change
// it through the functions in commands.hpp.
struct ViewerState {
    int frame = 0;  // index into the stack
    int frameCount = 0;

    double center = 0;  // current window
    double width = 1;
    model::VoiFunction function = model::VoiFunction::Linear;
    std::optional<int> voiLut;  // a VOI LUT of the instance instead of the window
    bool invert = false;        // the user's inversion, on top of the image's polarity
    std::string colormap = "gray";
    bool linear = false;  // bilinear interpolation when magnified
    // The pipeline stage shown as the image (the developer's stage view; greyscale only).
    pixel::DisplayOptions::Stage stage = pixel::DisplayOptions::Stage::Output;

    // View: with `fit`, the image fills the viewport; otherwise `zoom` screen pixels per image
    // pixel. The image centre sits at the viewport centre plus (panX, panY) screen pixels.
    bool fit = true;
    double zoom = 1;
    double panX = 0;
    double panY = 0;

    Tool tool = Tool::WindowLevel;
    std::optional<Measurement> measurement;
    std::vector<Pin> pins;

    bool cine = false;
    bool overlays = true;  // DICOM overlays (60xx) and annotations
    bool showHelp = false;
};

}  // namespace dcmlens::viewer
