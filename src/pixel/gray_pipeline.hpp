#pragma once

#include <cstdint>

#include "pixel/modality.hpp"
#include "pixel/voi.hpp"

namespace dcmlens::pixel {

// Every intermediate value of one greyscale sample through the pipeline (pipeline.md).
struct GrayStages {
    std::int64_t stored = 0;
    double modality = 0;
    double voi = 0;  // output level before quantisation, polarity applied
    int output = 0;  // 8-bit level
};

// stored -> modality -> VOI -> polarity -> 8-bit, as pure functions.
struct GrayPipeline {
    ModalityTransform modality;
    VoiTransform voi = VoiTransform::none(0, 65535);
    bool invert = false;

    GrayStages stages(std::int64_t stored) const {
        GrayStages s;
        s.stored = stored;
        s.modality = modality.apply(stored);
        s.voi = voi.apply(s.modality, invert);
        s.output = quantise(s.voi);
        return s;
    }
    int output(std::int64_t stored) const {
        return quantise(voi.apply(modality.apply(stored), invert));
    }
};

}  // namespace dcmlens::pixel
