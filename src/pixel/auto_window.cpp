#include "pixel/auto_window.hpp"

#include <algorithm>
#include <cmath>

namespace dcmlens::pixel {

namespace {

// Calls f(modalityValue) for sample 0 of each non-padding pixel of a frame.
template <class F>
void forEachValue(const model::PixelBuffer& buffer, int frame, const ModalityTransform& modality,
                  const model::Padding& padding, F&& f) {
    for (int y = 0; y < buffer.height(); ++y) {
        for (int x = 0; x < buffer.width(); ++x) {
            const std::int64_t stored = buffer.at(frame, x, y, 0);
            if (!padding.contains(stored)) {
                f(modality.apply(stored));
            }
        }
    }
}

}  // namespace

std::vector<double> modalityValues(const model::PixelBuffer& buffer, int frame,
                                   const ModalityTransform& modality,
                                   const model::Padding& padding) {
    std::vector<double> values;
    values.reserve(static_cast<std::size_t>(buffer.width()) * buffer.height());
    forEachValue(buffer, frame, modality, padding, [&](double v) { values.push_back(v); });
    return values;
}

std::optional<ValueRange> modalityRange(const model::PixelBuffer& buffer, int frame,
                                        const ModalityTransform& modality,
                                        const model::Padding& padding) {
    bool any = false;
    ValueRange range{0, 0};
    forEachValue(buffer, frame, modality, padding, [&](double v) {
        if (!any) {
            range = {v, v};
            any = true;
        }
        range.min = std::min(range.min, v);
        range.max = std::max(range.max, v);
    });
    if (!any) {
        return std::nullopt;
    }
    return range;
}

model::Window minMaxWindow(const ValueRange& range) {
    return model::Window{(range.min + range.max + 1) / 2, range.max - range.min + 1, "min-max"};
}

std::optional<model::Window> percentileWindow(const model::PixelBuffer& buffer, int frame,
                                              const ModalityTransform& modality,
                                              const model::Padding& padding, double low,
                                              double high) {
    std::vector<double> values = modalityValues(buffer, frame, modality, padding);
    if (values.empty()) {
        return std::nullopt;
    }
    auto at = [&](double percent) {
        const auto k = static_cast<std::size_t>(
            std::clamp(std::round(percent / 100.0 * static_cast<double>(values.size() - 1)), 0.0,
                       static_cast<double>(values.size() - 1)));
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k),
                         values.end());
        return values[k];
    };
    const double lo = at(low);
    const double hi = at(high);
    model::Window w = minMaxWindow({lo, hi});
    w.explanation = "percentile";
    return w;
}

Histogram histogram(const model::PixelBuffer& buffer, int frame, const ModalityTransform& modality,
                    const model::Padding& padding, int bins) {
    Histogram h;
    h.counts.assign(static_cast<std::size_t>(std::max(bins, 1)), 0);
    auto range = modalityRange(buffer, frame, modality, padding);
    if (!range) {
        return h;
    }
    h.range = *range;
    const double span = range->max - range->min;
    const auto last = static_cast<double>(h.counts.size() - 1);
    forEachValue(buffer, frame, modality, padding, [&](double v) {
        const double t = span > 0 ? (v - range->min) / span : 0.0;
        h.counts[static_cast<std::size_t>(std::clamp(std::floor(t * (last + 1)), 0.0, last))]++;
    });
    return h;
}

}  // namespace dcmlens::pixel
