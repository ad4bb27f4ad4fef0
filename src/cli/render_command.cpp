// `dcmlens render PATH -o OUT.png --cpu [options]`: one frame through the display pipeline to a
// PNG. (The GPU renderer is the next step; until then the CPU reference renders.)

#include <stb_image_write.h>

#include <fstream>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "pixel/colormap.hpp"
#include "pixel/render.hpp"

namespace dcmlens::cli {

namespace {

const std::set<std::string> kRenderSwitches = {"--cpu"};
const std::set<std::string> kRenderValues = {
    "-o",        "--frame",        "--window",   "--window-index", "--voi-function",
    "--voi-lut", "--presentation", "--colormap", "--size"};

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

void writePng(const std::string& path, const pixel::Image& image) {
    if (!stbi_write_png(path.c_str(), image.width, image.height, image.channels, image.data.data(),
                        image.width * image.channels)) {
        throw Error("cannot write " + path);
    }
}

}  // namespace

int runRender(const std::vector<std::string>& args) {
    const Arguments a(args, kRenderSwitches, kRenderValues);
    if (a.positionals().size() != 1) {
        throw UsageError{"render needs exactly one input file"};
    }
    const auto out = a.value("-o");
    if (!out) {
        throw UsageError{"render needs -o OUT.png"};
    }
    const pixel::DisplayOptions options = displayOptions(a);
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    std::optional<std::pair<int, int>> size;
    if (auto s = a.value("--size")) {
        auto [w, h] = parsePair("--size", *s, 'x');
        if (w < 1 || h < 1 || w > 16384 || h > 16384) {
            throw UsageError{"--size needs WxH between 1x1 and 16384x16384"};
        }
        size = {static_cast<int>(w), static_cast<int>(h)};
    }

    const std::string& path = a.positionals()[0];
    try {
        dicom::DicomFile file(path);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        const model::PixelBuffer frames = file.decodeFrame(frame);
        pixel::Image image = pixel::renderFrame(file.instance(), {frames, 0, frame}, options);
        if (size) {
            image = pixel::letterbox(image, size->first, size->second,
                                     pixel::pixelAspect(file.instance().geometry));
        }
        writePng(*out, image);
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

int runDumpStored(const std::vector<std::string>& args) {
    const Arguments a(args, {}, {"-o", "--frame"});
    if (a.positionals().size() != 1 || !a.value("-o")) {
        throw UsageError{"dump-stored needs FILE -o OUT.raw"};
    }
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    const std::string& path = a.positionals()[0];
    try {
        dicom::DicomFile file(path);
        const model::PixelBuffer frames = file.decodeFrame(frame);
        std::ofstream o(*a.value("-o"), std::ios::binary);
        for (int y = 0; y < frames.height(); ++y) {
            for (int x = 0; x < frames.width(); ++x) {
                for (int s = 0; s < frames.samples(); ++s) {
                    const auto v = static_cast<std::int32_t>(frames.at(0, x, y, s));
                    o.write(reinterpret_cast<const char*>(&v), sizeof v);  // little endian host
                }
            }
        }
        if (!o) {
            throw Error("cannot write " + *a.value("-o"));
        }
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
