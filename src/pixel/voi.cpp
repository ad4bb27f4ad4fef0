#include "pixel/voi.hpp"

#include <cmath>

#include "pixel/lut.hpp"

namespace dcmlens::pixel {

VoiTransform VoiTransform::none(double absMin, double absMax) {
    VoiTransform t;
    t.kind_ = Kind::None;
    t.absMin_ = absMin;
    t.absMax_ = absMax;
    return t;
}

std::optional<VoiTransform> VoiTransform::window(double center, double width,
                                                 model::VoiFunction fn) {
    if (!std::isfinite(center) || !std::isfinite(width)) {
        return std::nullopt;
    }
    if (fn == model::VoiFunction::Linear ? width < 1 : width <= 0) {
        return std::nullopt;
    }
    VoiTransform t;
    t.kind_ = Kind::Window;
    t.function_ = fn;
    t.center_ = center;
    t.width_ = width;
    return t;
}

VoiTransform VoiTransform::lut(model::LutPtr lut) {
    VoiTransform t;
    t.kind_ = Kind::Lut;
    t.lut_ = std::move(lut);
    return t;
}

double VoiTransform::apply(double m, bool invert) const {
    // DCMTK renders inverted output by swapping the ends of the output range.
    const double low = invert ? 255.0 : 0.0;
    const double high = invert ? 0.0 : 255.0;
    switch (kind_) {
        case Kind::None: {
            // dimoopxt.h nowindow(): low + (m - absmin) * (high - low + 1) / range.
            const double range = absMax_ - absMin_ + 1;
            const double gradient = (high - low + 1) / range;
            return low + (m - absMin_) * gradient;
        }
        case Kind::Lut: {
            // dimoopxt.h voilut(): an entry e of a 2^bits LUT maps to low + e * (high-low+1) /
            // 2^bits.
            const double gradient = (high - low + 1) / lutRange(*lut_);
            const std::int64_t input = static_cast<std::int64_t>(std::floor(m));
            return low + static_cast<double>(lookup(*lut_, input)) * gradient;
        }
        case Kind::Window:
            break;
    }
    const double outrange = high - low;
    if (function_ == model::VoiFunction::Sigmoid) {
        // PS3.3 C.11.2.1.3.1.
        return outrange / (1 + std::exp(-4 * (m - center_) / width_)) + low;
    }
    // LINEAR_EXACT (C.11.2.1.3.2) is LINEAR (C.11.2.1.2.1) with center + 0.5 and width + 1.
    const bool exact = function_ == model::VoiFunction::LinearExact;
    const double center = exact ? center_ + 0.5 : center_;
    const double width1 = exact ? width_ : width_ - 1;
    const double leftBorder = center - 0.5 - width1 / 2;
    const double rightBorder = center - 0.5 + width1 / 2;
    if (m <= leftBorder) {
        return low;
    }
    if (m > rightBorder) {
        return high;
    }
    const double offset = high - ((center - 0.5) / width1 + 0.5) * outrange;
    const double gradient = outrange / width1;
    return offset + m * gradient;
}

}  // namespace dcmlens::pixel
