#pragma once

#include <optional>
#include <string>

#include "model/instance.hpp"
#include "pixel/gray_pipeline.hpp"
#include "pixel/image.hpp"

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
};

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

// Renders a frame to 8 bits at one output pixel per image pixel: grey for greyscale with the gray
// colormap, RGB otherwise.
Image renderFrame(const model::Instance& instance, const FrameRef& frame,
                  const DisplayOptions& options);

// Width:height of one image pixel, from Pixel Spacing (0028,0030: row then column spacing) or
// Pixel Aspect Ratio (0028,0034: vertical then horizontal); 1 when neither is present.
double pixelAspect(const model::Geometry& geometry);

// Scales an image into width x height with nearest-neighbour sampling, keeping the displayed
// aspect ratio (image size times pixel aspect) and filling the borders black (letterbox).
Image letterbox(const Image& image, int width, int height, double pixelAspect);

}  // namespace dcmlens::pixel
