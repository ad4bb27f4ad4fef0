#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "pixel/orientation.hpp"
#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
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
enum class Tool { WindowLevel, Rectangle, Ellipse, Line, Angle, CobbAngle, Polygon };
const char* toolName(Tool tool);

// A measurement drawn on one image, in image pixel coordinates: the drag's start and end for
// rectangles, ellipses and lines; the clicked vertices for angles (3 points: arm, vertex, arm),
// Cobb angles (4 points: two lines) and polygons (closed).
struct Measurement {
    Tool tool = Tool::Rectangle;
    std::vector<std::pair<double, double>> points;
    std::vector<pixel::Vec3> patient;  // on an MPR plane: the points in patient mm (frame -1)
    int frame = 0;                     // the stack frame it was drawn on
    bool complete = true;
};

// A pinned probe: a pixel whose every pipeline stage stays listed (and marked on the image).
struct Pin {
    int x = 0;
    int y = 0;
    int frame = 0;
};

// A viewport that shows a plane of its series' volume (MPR) instead of one of its slices: the
// plane and its screen mapping (pixel::PlaneView: patient mm per output pixel, the plane's
// right and down on the screen), the slab around it and its projection. `fitted` is false until
// the viewport's size is known (the view is then fitted to the volume).
struct PlaneState {
    pixel::PlaneKind kind = pixel::PlaneKind::Axial;
    pixel::PlaneView view;
    bool fitted = false;
    double slabMm = 0;  // 0: the plane alone
    pixel::Projection projection = pixel::Projection::None;
};

// Everything one viewport shows and the user controls in it: which frame of its stack, the
// display pipeline (window, VOI function or LUT, polarity, colormap, stage) and the view (zoom,
// pan, flip, rotation). A plain value: tests build one; panels and input change it through
// commands.hpp. No GL, no ImGui.
struct ViewState {
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
    int bitPlane = -1;  // -1: the image; otherwise the bit of each word shown over it

    // View: with `fit`, the image fills the viewport; otherwise `zoom` screen pixels per image
    // pixel. The image centre sits at the viewport centre plus (panX, panY) screen pixels.
    bool fit = true;
    double zoom = 1;
    double panX = 0;
    double panY = 0;
    pixel::Orientation orientation;  // flip and rotation of the image on the screen

    std::optional<PlaneState> plane;  // set: an MPR viewport (frame and 2D view unused)

    std::vector<Measurement> measurements;
    std::vector<Pin> pins;
    bool cine = false;
};

// What belongs to the application rather than to one viewport.
struct AppState {
    Tool tool = Tool::WindowLevel;  // what a left drag does, in every viewport
    bool annotations = true;        // corner text, markers, DICOM overlays (60xx)
    bool showHelp = false;
    double cineFps = 0;  // 0: the object's Frame Time (0018,1063), else 15 fps
};

}  // namespace dcmlens::viewer
