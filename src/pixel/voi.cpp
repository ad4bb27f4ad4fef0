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

VoiTransform::Parameters VoiTransform::parameters(bool invert) const {
    Parameters p;
    p.low = invert ? 255.0 : 0.0;
    p.high = invert ? 0.0 : 255.0;
    p.absMin = absMin_;
    switch (kind_) {
        case Kind::None:
            // dimoopxt.h nowindow(): low + (m - absmin) * (high - low + 1) / range.
            p.gradient = (p.high - p.low + 1) / (absMax_ - absMin_ + 1);
            return p;
        case Kind::Lut:
            // dimoopxt.h voilut(): an entry e of a 2^bits LUT gives low + e * (high-low+1) /
            // 2^bits.
            p.gradient = (p.high - p.low + 1) / lutRange(*lut_);
            return p;
        case Kind::Window:
            break;
    }
    // LINEAR_EXACT (C.11.2.1.3.2) is LINEAR (C.11.2.1.2.1) with center + 0.5 and width + 1.
    const bool exact = function_ == model::VoiFunction::LinearExact;
    const double center = exact ? center_ + 0.5 : center_;
    const double width1 = exact ? width_ : width_ - 1;
    const double outrange = p.high - p.low;
    p.leftBorder = center - 0.5 - width1 / 2;
    p.rightBorder = center - 0.5 + width1 / 2;
    // dimoopxt.h window(): the same operations, so truncation gives the same levels.
    p.offset = width1 == 0 ? 0 : p.high - ((center - 0.5) / width1 + 0.5) * outrange;
    p.gradient = width1 == 0 ? 0 : outrange / width1;
    return p;
}

double VoiTransform::apply(double m, bool invert) const {
    const Parameters p = parameters(invert);
    switch (kind_) {
        case Kind::None:
            return p.low + (m - p.absMin) * p.gradient;
        case Kind::Lut: {
            const auto input = static_cast<std::int64_t>(std::floor(m));
            return p.low + static_cast<double>(lookup(*lut_, input)) * p.gradient;
        }
        case Kind::Window:
            break;
    }
    if (function_ == model::VoiFunction::Sigmoid) {
        // PS3.3 C.11.2.1.3.1.
        return (p.high - p.low) / (1 + std::exp(-4 * (m - center_) / width_)) + p.low;
    }
    if (m <= p.leftBorder) {
        return p.low;
    }
    if (m > p.rightBorder) {
        return p.high;
    }
    return p.offset + m * p.gradient;
}

}  // namespace dcmlens::pixel
