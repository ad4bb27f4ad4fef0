#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/instance.hpp"
#include "pixel/modality.hpp"

namespace dcmlens::pixel {

struct ValueRange {
    double min = 0;
    double max = 0;
};

// Modality values of one frame (sample 0 of each pixel), padding excluded (PS3.3 C.7.5.1.1.2:
// Pixel Padding Value / Range Limit are compared in the stored domain).
std::vector<double> modalityValues(const model::PixelBuffer& buffer, int frame,
                                   const ModalityTransform& modality,
                                   const model::Padding& padding);

// Smallest and largest modality value of a frame, padding excluded; nullopt if every pixel is
// padding.
std::optional<ValueRange> modalityRange(const model::PixelBuffer& buffer, int frame,
                                        const ModalityTransform& modality,
                                        const model::Padding& padding);

// DCMTK's min-max window (dcm2pnm +Wm): center (min+max+1)/2, width max-min+1, which maps min
// to black and max to white under LINEAR.
model::Window minMaxWindow(const ValueRange& range);

// A window over the [low, high] percentiles (e.g. 1 and 99) of a frame's modality values,
// padding excluded, built like minMaxWindow.
std::optional<model::Window> percentileWindow(const model::PixelBuffer& buffer, int frame,
                                              const ModalityTransform& modality,
                                              const model::Padding& padding, double low,
                                              double high);

// Modality range and percentile window of a frame in one pass, through a histogram of the stored
// values for data of up to 16 bits (O(pixels + 65536)); the same results as modalityRange and
// percentileWindow.
struct FrameStatistics {
    std::optional<ValueRange> range;
    std::optional<model::Window> percentile;
};
// With `withPercentile` false only the range is computed: one min/max pass when the modality
// transform is a rescale (monotonic), the histogram otherwise.
FrameStatistics frameStatistics(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, const model::Padding& padding,
                                double low, double high, bool withPercentile = true);

// Histogram of a frame's modality values over [range.min, range.max] in `bins` equal bins.
struct Histogram {
    ValueRange range;
    std::vector<std::uint32_t> counts;
};
Histogram histogram(const model::PixelBuffer& buffer, int frame, const ModalityTransform& modality,
                    const model::Padding& padding, int bins);

}  // namespace dcmlens::pixel
