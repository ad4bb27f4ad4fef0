#include "cli/display_arguments.hpp"

#include "pixel/colormap.hpp"

namespace dcmlens::cli {

const std::set<std::string>& displayOptionNames() {
    static const std::set<std::string> names = {"--window",  "--window-index", "--voi-function",
                                                "--voi-lut", "--presentation", "--colormap"};
    return names;
}

pixel::DisplayOptions displayOptions(const Arguments& a) {
    pixel::DisplayOptions o;
    using Mode = pixel::DisplayOptions::WindowMode;
    if (a.has("--window") && a.has("--window-index")) {
        throw UsageError{"--window and --window-index exclude each other"};
    }
    if (auto w = a.value("--window")) {
        if (*w == "minmax") {
            o.windowMode = Mode::MinMax;
        } else if (*w == "none") {
            o.windowMode = Mode::None;
        } else {
            auto [c, width] = parsePair("--window", *w, ',');
            o.windowMode = Mode::Explicit;
            o.center = c;
            o.width = width;
        }
    }
    if (auto k = a.value("--window-index")) {
        o.windowMode = Mode::Index;
        o.windowIndex = parseInt("--window-index", *k, 1) - 1;
    }
    if (auto f = a.value("--voi-function")) {
        if (*f == "linear") {
            o.voiFunction = model::VoiFunction::Linear;
        } else if (*f == "linear-exact") {
            o.voiFunction = model::VoiFunction::LinearExact;
        } else if (*f == "sigmoid") {
            o.voiFunction = model::VoiFunction::Sigmoid;
        } else {
            throw UsageError{"--voi-function is linear, linear-exact or sigmoid, not '" + *f + "'"};
        }
    }
    if (auto k = a.value("--voi-lut")) {
        o.voiLutIndex = parseInt("--voi-lut", *k, 1) - 1;
    }
    if (auto p = a.value("--presentation")) {
        if (*p == "identity") {
            o.presentation = model::PresentationShape::Identity;
        } else if (*p == "inverse") {
            o.presentation = model::PresentationShape::Inverse;
        } else {
            throw UsageError{"--presentation is identity or inverse, not '" + *p + "'"};
        }
    }
    if (auto c = a.value("--colormap")) {
        if (pixel::findColormap(*c) == nullptr) {
            std::string names;
            for (const auto& m : pixel::colormaps()) {
                names += (names.empty() ? "" : ", ") + m.name;
            }
            throw UsageError{"unknown colormap '" + *c + "' (known: " + names + ")"};
        }
        o.colormap = *c;
    }
    return o;
}

}  // namespace dcmlens::cli
