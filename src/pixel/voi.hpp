#pragma once

#include <optional>

#include "model/instance.hpp"

namespace dcmlens::pixel {

// The VOI transform (PS3.3 C.11.2) followed by polarity: modality value -> output level in
// [0, 255] before quantisation. The arithmetic follows DCMTK's dcmimgle operation by operation
// (dimoopxt.h), so that truncating the result gives DCMTK's grey levels bit for bit.
class VoiTransform {
public:
    enum class Kind { None, Window, Lut };

    // No VOI: the image's whole modality range [absMin, absMax] is stretched over the output.
    static VoiTransform none(double absMin, double absMax);
    // A window. LINEAR needs width >= 1 and LINEAR_EXACT / SIGMOID width > 0; an invalid width
    // gives std::nullopt (PS3.3 C.11.2.1.2; the caller falls back as DCMTK does).
    static std::optional<VoiTransform> window(double center, double width, model::VoiFunction fn);
    static VoiTransform lut(model::LutPtr lut);

    // `invert`: MONOCHROME1 or an INVERSE presentation shape (pipeline.md step 4).
    double apply(double modalityValue, bool invert) const;

    // The constants of apply() for one polarity, computed once in double; the shader receives
    // these very numbers. DCMTK renders inverted output by swapping the output ends.
    struct Parameters {
        double low = 0;  // output for the lowest input
        double high = 255;
        double leftBorder = 0;  // window: m <= leftBorder -> low, m > rightBorder -> high
        double rightBorder = 0;
        double offset = 0;    // window: y = offset + m * gradient
        double gradient = 0;  // none: y = low + (m - absMin) * gradient; LUT: low + e * gradient
        double absMin = 0;
    };
    Parameters parameters(bool invert) const;

    Kind kind() const { return kind_; }
    double center() const { return center_; }
    double width() const { return width_; }
    model::VoiFunction function() const { return function_; }
    const model::LutPtr& lutTable() const { return lut_; }
    double absMinimum() const { return absMin_; }
    double absMaximum() const { return absMax_; }

private:
    Kind kind_ = Kind::None;
    model::VoiFunction function_ = model::VoiFunction::Linear;
    double center_ = 0;
    double width_ = 0;
    double absMin_ = 0;
    double absMax_ = 0;
    model::LutPtr lut_;
};

// Truncation to an 8-bit level, as DCMTK does (not rounding): pipeline.md step 5.
inline int quantise(double y) {
    if (!(y > 0)) {
        return 0;
    }
    if (y >= 255) {
        return 255;
    }
    return static_cast<int>(y);
}

}  // namespace dcmlens::pixel
