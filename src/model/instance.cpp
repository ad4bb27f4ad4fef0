#include "model/instance.hpp"

#include <utility>

namespace dcmlens::model {

Photometric parsePhotometric(const std::string& text) {
    static const std::pair<const char*, Photometric> names[] = {
        {"MONOCHROME1", Photometric::Monochrome1},
        {"MONOCHROME2", Photometric::Monochrome2},
        {"RGB", Photometric::Rgb},
        {"YBR_FULL", Photometric::YbrFull},
        {"YBR_FULL_422", Photometric::YbrFull422},
        {"YBR_PARTIAL_422", Photometric::YbrPartial422},
        {"YBR_RCT", Photometric::YbrRct},
        {"YBR_ICT", Photometric::YbrIct},
        {"PALETTE COLOR", Photometric::PaletteColor},
    };
    for (const auto& [name, value] : names) {
        if (text == name) {
            return value;
        }
    }
    return Photometric::Unknown;
}

const char* photometricName(Photometric p) {
    switch (p) {
        case Photometric::Monochrome1:
            return "MONOCHROME1";
        case Photometric::Monochrome2:
            return "MONOCHROME2";
        case Photometric::Rgb:
            return "RGB";
        case Photometric::YbrFull:
            return "YBR_FULL";
        case Photometric::YbrFull422:
            return "YBR_FULL_422";
        case Photometric::YbrPartial422:
            return "YBR_PARTIAL_422";
        case Photometric::YbrRct:
            return "YBR_RCT";
        case Photometric::YbrIct:
            return "YBR_ICT";
        case Photometric::PaletteColor:
            return "PALETTE COLOR";
        case Photometric::Unknown:
            break;
    }
    return "UNKNOWN";
}

const char* voiFunctionName(VoiFunction f) {
    switch (f) {
        case VoiFunction::Linear:
            return "LINEAR";
        case VoiFunction::LinearExact:
            return "LINEAR_EXACT";
        case VoiFunction::Sigmoid:
            return "SIGMOID";
    }
    return "LINEAR";
}

std::optional<VoiFunction> parseVoiFunction(const std::string& text) {
    if (text == "LINEAR") {
        return VoiFunction::Linear;
    }
    if (text == "LINEAR_EXACT") {
        return VoiFunction::LinearExact;
    }
    if (text == "SIGMOID") {
        return VoiFunction::Sigmoid;
    }
    return std::nullopt;
}

namespace {

// The functional groups that apply to a frame: its own, else the shared ones; nullptr if none.
const FrameAttributes* groupsOf(const Instance& in, int frame) {
    if (frame >= 0 && frame < static_cast<int>(in.frameAttributes.size())) {
        return &in.frameAttributes[static_cast<std::size_t>(frame)];
    }
    return in.sharedFrameAttributes ? &*in.sharedFrameAttributes : nullptr;
}

}  // namespace

const ModalityInfo& Instance::modalityFor(int frame) const {
    const FrameAttributes* f = groupsOf(*this, frame);
    return f && f->modality ? *f->modality : modality;
}

const std::vector<Window>& Instance::windowsFor(int frame) const {
    const FrameAttributes* f = groupsOf(*this, frame);
    return f && f->windows ? *f->windows : voi.windows;
}

VoiFunction Instance::voiFunctionFor(int frame) const {
    const FrameAttributes* f = groupsOf(*this, frame);
    return f && f->voiFunction ? *f->voiFunction : voi.function;
}

}  // namespace dcmlens::model
