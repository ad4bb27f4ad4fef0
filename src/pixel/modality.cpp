#include "pixel/modality.hpp"

#include <algorithm>
#include <cmath>

#include "pixel/lut.hpp"

namespace dcmlens::pixel {

ModalityTransform::ModalityTransform(const model::ModalityInfo& info,
                                     const model::PixelDescriptor& pixel)
    : slope_(info.slope), intercept_(info.intercept), lut_(info.lut) {
    const int bits = std::clamp(pixel.bitsStored, 1, 32);
    const double storedMin = pixel.isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
    const double storedMax =
        pixel.isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    if (lut_) {
        // A Modality LUT's output spans its entries' bit depth.
        absMin_ = 0;
        absMax_ = lutRange(*lut_) - 1;
        return;
    }
    const double a = storedMin * slope_ + intercept_;
    const double b = storedMax * slope_ + intercept_;
    absMin_ = std::min(a, b);
    absMax_ = std::max(a, b);
}

double ModalityTransform::apply(std::int64_t stored) const {
    if (lut_) {
        return lookup(*lut_, stored);
    }
    // Same operation order as DCMTK (dimoipxt.h) so results are bit-identical.
    if (slope_ == 1.0) {
        return static_cast<double>(stored) + intercept_;
    }
    return static_cast<double>(stored) * slope_ + intercept_;
}

bool ModalityTransform::isIntegral() const {
    return lut_ != nullptr ||
           (slope_ == std::floor(slope_) && intercept_ == std::floor(intercept_));
}

}  // namespace dcmlens::pixel
