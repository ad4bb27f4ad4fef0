#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pixel/image.hpp"
#include "pixel/render.hpp"

namespace dcmlens::pixel {

// The difference B - A of two images of the same size, value by value, with its statistics.
// Greyscale frames compare modality values (so two files with different rescales compare in
// their units), colour and palette frames their samples, renders their 8-bit levels.
struct FrameDifference {
    int width = 0;
    int height = 0;
    int samples = 1;
    std::vector<double> values;  // B - A, row by row, samples interleaved
    std::string compared;        // "modality values", "samples", "8-bit output"

    std::size_t pixels = 0;     // width x height
    std::size_t differing = 0;  // pixels with any sample that differs
    double maxAbs = 0;          // the largest |B - A|
    double mean = 0;            // mean of B - A over all samples
    double rms = 0;             // root mean square of B - A over all samples
};

// Frame `fa` of `a` against frame `fb` of `b`. Throws dcmlens::Error when their sizes or sample
// counts differ.
FrameDifference differenceOf(const model::Instance& a, const FrameRef& fa, const model::Instance& b,
                             const FrameRef& fb);

// Two rendered images (e.g. the GPU's view against the CPU reference of the same view).
FrameDifference differenceOf(const Image& a, const Image& b);

// The difference as a picture with its own colormap: black where equal, B > A from dark red to
// yellow, B < A from dark blue to cyan, brightness |B - A| / scale (scale <= 0: the largest
// |B - A|). Of colour pixels the sample with the largest |B - A| decides. Always RGB.
Image differenceImage(const FrameDifference& d, double scale = 0);

}  // namespace dcmlens::pixel
