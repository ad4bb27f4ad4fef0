#include "pixel/auto_window.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

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

namespace {

// The smallest and largest sample outside the padding range [padLo, padHi] (empty when padLo >
// padHi). This runs on every decoded slice of a stack, so contiguous samples go through GCC/Clang
// vector extensions 16 bytes at a time: the compilers do not vectorise the padding test.
struct Extremes {
    bool any = false;
    std::int64_t lo = 0;
    std::int64_t hi = 0;
};

template <typename T>
Extremes extremesOf(const std::uint8_t* data, std::size_t n, std::size_t stride, std::int64_t padLo,
                    std::int64_t padHi) {
    constexpr T kMax = std::numeric_limits<T>::max();
    constexpr T kLowest = std::numeric_limits<T>::lowest();
    T lower = kMax;  // (v >= kMax) & (v <= kLowest) holds for no v: no padding
    T upper = kLowest;
    if (padLo <= padHi && padHi >= kLowest && padLo <= static_cast<std::int64_t>(kMax)) {
        lower = static_cast<T>(std::max<std::int64_t>(padLo, kLowest));
        upper = static_cast<T>(std::min<std::int64_t>(padHi, kMax));
    }
    T mn = kMax;
    T mx = kLowest;
    std::size_t i = 0;
    if (stride == 1) {
        typedef T V __attribute__((vector_size(16)));
        constexpr std::size_t kLanes = 16 / sizeof(T);
        const V vLower = V{} + lower;
        const V vUpper = V{} + upper;
        const V vMax = V{} + kMax;
        const V vLowest = V{} + kLowest;
        V vMn = vMax;
        V vMx = vLowest;
        for (; i + kLanes <= n; i += kLanes) {
            V v;
            std::memcpy(&v, data + i * sizeof(T), sizeof(V));
            const auto pad = (v >= vLower) & (v <= vUpper);
            const V a = pad ? vMax : v;
            const V b = pad ? vLowest : v;
            vMn = a < vMn ? a : vMn;
            vMx = b > vMx ? b : vMx;
        }
        for (std::size_t k = 0; k < kLanes; ++k) {
            mn = std::min<T>(mn, vMn[k]);
            mx = std::max<T>(mx, vMx[k]);
        }
    }
    bool anyScalar = false;
    for (; i < n; ++i) {
        T v;
        std::memcpy(&v, data + i * stride * sizeof(T), sizeof(T));
        if (v >= lower && v <= upper) {
            continue;
        }
        mn = std::min(mn, v);
        mx = std::max(mx, v);
        anyScalar = true;
    }
    // An unpadded sample makes mn <= mx; all padding leaves mn = kMax > kLowest = mx.
    return {anyScalar || mn <= mx, mn, mx};
}

}  // namespace

FrameStatistics frameStatistics(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, const model::Padding& padding,
                                double low, double high, bool withPercentile) {
    FrameStatistics out;
    if (!withPercentile && !modality.usesLut()) {
        // A rescale is monotonic: the stored extremes give the modality extremes.
        bool any = false;
        std::int64_t lo = 0;
        std::int64_t hi = 0;
        const std::size_t n = static_cast<std::size_t>(buffer.width()) * buffer.height();
        // Padding values (PS3.3 C.7.5.1.1.2) are stored values in [padLo, padHi]; a pixel there
        // counts as neither extreme.
        const std::int64_t padLo =
            padding.value ? std::min(*padding.value, padding.rangeLimit.value_or(*padding.value))
                          : 1;
        const std::int64_t padHi =
            padding.value ? std::max(*padding.value, padding.rangeLimit.value_or(*padding.value))
                          : 0;
        auto scan = [&](auto sample) {
            const Extremes e = extremesOf<decltype(sample)>(
                buffer.frameBytes(frame), n, static_cast<std::size_t>(buffer.samples()), padLo,
                padHi);
            any = e.any;
            lo = e.lo;
            hi = e.hi;
        };
        switch (buffer.type()) {
            case model::SampleType::U8:
                scan(std::uint8_t{});
                break;
            case model::SampleType::I8:
                scan(std::int8_t{});
                break;
            case model::SampleType::U16:
                scan(std::uint16_t{});
                break;
            case model::SampleType::I16:
                scan(std::int16_t{});
                break;
            case model::SampleType::U32:
                scan(std::uint32_t{});
                break;
            case model::SampleType::I32:
                scan(std::int32_t{});
                break;
        }
        if (any) {
            const double a = modality.apply(lo);
            const double b = modality.apply(hi);
            out.range = ValueRange{std::min(a, b), std::max(a, b)};
        }
        return out;
    }
    if (model::sampleBytes(buffer.type()) > 2) {
        out.range = modalityRange(buffer, frame, modality, padding);
        out.percentile = percentileWindow(buffer, frame, modality, padding, low, high);
        return out;
    }
    const std::int64_t base = model::isSignedType(buffer.type())
                                  ? (buffer.type() == model::SampleType::I8 ? -128 : -32768)
                                  : 0;
    std::vector<std::uint32_t> counts(model::sampleBytes(buffer.type()) == 1 ? 256 : 65536, 0);
    const std::size_t n = static_cast<std::size_t>(buffer.width()) * buffer.height();
    const std::uint8_t* data = buffer.frameBytes(frame);
    switch (buffer.type()) {  // sample 0 of each pixel, without a per-sample dispatch
        case model::SampleType::U8:
        case model::SampleType::I8:
            for (std::size_t i = 0; i < n; ++i) {
                counts[static_cast<std::uint8_t>(data[i * buffer.samples()] + (base ? 128 : 0))]++;
            }
            break;
        default: {
            const std::uint16_t offset = base ? 32768 : 0;
            for (std::size_t i = 0; i < n; ++i) {
                std::uint16_t v;
                std::memcpy(&v, data + i * 2 * buffer.samples(), 2);
                counts[static_cast<std::uint16_t>(v + offset)]++;
            }
        }
    }
    // (modality value, count) of every stored value present, padding excluded, in value order.
    std::vector<std::pair<double, std::uint64_t>> values;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const std::int64_t stored = static_cast<std::int64_t>(i) + base;
        if (counts[i] != 0 && !padding.contains(stored)) {
            values.emplace_back(modality.apply(stored), counts[i]);
        }
    }
    if (values.empty()) {
        return out;
    }
    std::sort(values.begin(), values.end());
    out.range = ValueRange{values.front().first, values.back().first};
    std::uint64_t total = 0;
    for (const auto& v : values) {
        total += v.second;
    }
    // The value at sorted position round(p / 100 * (n - 1)), as percentileWindow picks it.
    auto at = [&](double percent) {
        const auto k = static_cast<std::uint64_t>(
            std::clamp(std::round(percent / 100.0 * static_cast<double>(total - 1)), 0.0,
                       static_cast<double>(total - 1)));
        std::uint64_t seen = 0;
        for (const auto& v : values) {
            seen += v.second;
            if (seen > k) {
                return v.first;
            }
        }
        return values.back().first;
    };
    model::Window w = minMaxWindow({at(low), at(high)});
    w.explanation = "percentile";
    out.percentile = w;
    return out;
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
