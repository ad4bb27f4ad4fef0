#pragma once

#include <string>

#include "cli/arguments.hpp"
#include "cli/plane_engine.hpp"
#include "cli/render_engine.hpp"
#include "pixel/compare.hpp"

namespace dcmlens::cli {

// `render --plane ...`: the plane as a PNG (GPU, or the CPU reference with --cpu).
int renderPlane(const Arguments& a, const PlaneSettings& plane, const RenderSettings& settings,
                const std::string& out);
// `probe --plane ... --pixel X,Y`: every stage of one output pixel of the plane.
int probePlane(const Arguments& a, const PlaneSettings& plane, const pixel::DisplayOptions& options,
               bool linear, double x, double y);
// `compare --gpu-vs-cpu --plane ...`: the GPU's plane against the CPU reference (B - A).
// Throws dcmlens::Error.
int comparePlane(const Arguments& a, const PlaneSettings& plane, const RenderSettings& settings,
                 pixel::FrameDifference& difference);

}  // namespace dcmlens::cli
