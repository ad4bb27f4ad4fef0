#pragma once

#include <cstdint>

#include "model/instance.hpp"

namespace dcmlens::pixel {

// The modality transform (PS3.3 C.11.1): stored value -> modality value (e.g. HU).
class ModalityTransform {
public:
    ModalityTransform() = default;
    ModalityTransform(const model::ModalityInfo& info, const model::PixelDescriptor& pixel);

    double apply(std::int64_t stored) const;

    // True when every output is an integer (slope and intercept integral, or a LUT).
    bool isIntegral() const;
    bool usesLut() const { return lut_ != nullptr; }
    const model::LutPtr& lut() const { return lut_; }
    double slope() const { return slope_; }
    double intercept() const { return intercept_; }

    // The smallest and largest modality value any stored value of the image can give; the "no
    // VOI" mapping stretches this range over the output, as DCMTK does.
    double absMinimum() const { return absMin_; }
    double absMaximum() const { return absMax_; }

private:
    double slope_ = 1.0;
    double intercept_ = 0.0;
    model::LutPtr lut_;
    double absMin_ = 0;
    double absMax_ = 65535;
};

}  // namespace dcmlens::pixel
