#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "pixel/roi.hpp"
#include "viewer/view_state.hpp"

namespace dcmlens::viewer {

// What a measurement measures, in the units a reader expects: length (mm, else pixels), area
// (mm^2, else pixels), angle (degrees), statistics of modality values (HU for CT) inside closed
// regions.
struct MeasurementResult {
    std::optional<double> lengthMm;
    double lengthPixels = 0;
    std::optional<double> areaMm2;
    double areaPixels = 0;
    std::optional<double> angleDegrees;
    std::optional<pixel::RoiStatistics> statistics;
    std::string text;  // one or two lines, as shown next to the shape and in the list
};

// `values`: the stored values of the measurement's frame (null: no statistics); `unit`: of the
// modality values ("HU"). Statistics only for greyscale images.
MeasurementResult measure(const Measurement& m, const model::Instance& instance, int frame,
                          const model::PixelBuffer* values, const std::string& unit);

}  // namespace dcmlens::viewer
