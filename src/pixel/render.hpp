#pragma once

#include <optional>
#include <string>

#include "model/instance.hpp"
#include "pixel/gray_pipeline.hpp"
#include "pixel/image.hpp"
#include "pixel/orientation.hpp"

namespace dcmlens::pixel {

// How the user wants a frame shown. Indices are 0-based here (the CLI counts from 1).
struct DisplayOptions {
    enum class WindowMode { FileDefault, Index, Explicit, MinMax, Percentile, None };
    WindowMode windowMode = WindowMode::FileDefault;
    int windowIndex = 0;
    double center = 0;
    double width = 0;
    double percentileLow = 1;
    double percentileHigh = 99;
    std::optional<model::VoiFunction> voiFunction;  // default: the file's (0028,1056)
    std::optional<int> voiLutIndex;                 // a VOI LUT Sequence item instead of a window
    std::optional<model::PresentationShape> presentation;  // default: the file's, else photometric
    std::string colormap = "gray";

    // Which pipeline stage is shown as the image (greyscale; the developer's stage view):
    // Output: the display (steps 1-5 of pipeline.md). Voi: the VOI output before the polarity
    // and Presentation LUT, i.e. without inversion. Modality: the modality values (step 1)
    // through a LINEAR window, min-max unless an explicit window is given. Stored: the stored
    // values themselves (the Modality LUT or rescale skipped), windowed the same way.
    // Stages other than Output are grey: a colormap belongs to the output.
    enum class Stage { Output, Voi, Modality, Stored };
    Stage stage = Stage::Output;
};

// "output", "voi", "modality", "stored" (the CLI's and the UI's names), and back.
const char* stageName(DisplayOptions::Stage stage);
std::optional<DisplayOptions::Stage> parseStage(const std::string& name);

// Stored values of one frame: frame `bufferFrame` of `buffer`, which is frame `instanceFrame`
// of the instance (whose per-frame attributes apply).
struct FrameRef {
    const model::PixelBuffer& buffer;
    int bufferFrame = 0;
    int instanceFrame = 0;
};

// Whether a greyscale frame is shown inverted (pipeline.md step 4): a Presentation LUT Shape,
// forced or in the object, decides; else MONOCHROME1 inverts. Never both.
bool invertsOutput(const model::Instance& instance, const DisplayOptions& options);

// The greyscale pipeline for one frame (its stored values are needed for min-max windows).
// Throws dcmlens::Error for a window or VOI LUT index the file does not have.
GrayPipeline makeGrayPipeline(const model::Instance& instance, const FrameRef& frame,
                              const DisplayOptions& options);

// Where output pixels fall on the image: output pixel (x, y), counted from the top left, is
// turned into view pixel (u, v) by the orientation (orientation.hpp: exact, in integers; the
// identity leaves it alone), which shows image point p = ((u, v) + 0.5 - offset) * scale, in
// image pixels. The CPU and the shader sample that point in integers (view_sampling.hpp:
// positions in 2^-16 pixels or so, computed alike on both sides): nearest sampling takes the
// pixel the position falls in (a point on a boundary belongs to the next pixel), points outside
// the image are black.
struct ViewMapping {
    double offsetX = 0;
    double offsetY = 0;
    double scaleX = 1;
    double scaleY = 1;
    Orientation orientation;
};

// Renders a frame to 8 bits at one output pixel per image pixel: grey for greyscale with the gray
// colormap, RGB otherwise.
Image renderFrame(const model::Instance& instance, const FrameRef& frame,
                  const DisplayOptions& options);

// Renders a frame into width x height through a view mapping; `linear` interpolates modality
// values bilinearly (greyscale; colour is always nearest), exactly as the shader does: the
// pixels and weights of view_sampling.hpp, edge pixels repeated. Throws dcmlens::Error for a view
// that viewSampling() refuses.
Image renderView(const model::Instance& instance, const FrameRef& frame,
                 const DisplayOptions& options, int width, int height, const ViewMapping& view,
                 bool linear);

// Width:height of one image pixel, from Pixel Spacing (0028,0030: row then column spacing) or
// Pixel Aspect Ratio (0028,0034: vertical then horizontal); 1 when neither is present.
double pixelAspect(const model::Geometry& geometry);

// The image fitted into width x height, centred, keeping the displayed aspect ratio (image size
// times pixel aspect): letterboxed.
ViewMapping fitView(int imageWidth, int imageHeight, double pixelAspect, int width, int height);
// The same for an image turned by `orientation` on the output: fitted into the view (height x
// width when the orientation swaps the axes).
ViewMapping fitView(int imageWidth, int imageHeight, double pixelAspect, int width, int height,
                    const Orientation& orientation);

// Resamples an image into width x height through a view mapping, nearest neighbour.
Image resample(const Image& image, int width, int height, const ViewMapping& view);

}  // namespace dcmlens::pixel
