// `dcmlens render PATH... -o OUT [options]`: one frame of each input through the display
// pipeline to a PNG, on the GPU (EGL, no display needed; one context for a whole batch) or with
// --cpu on the CPU reference (src/pixel/).

#include <stb_image_write.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "headless/egl_context.hpp"
#include "pixel/colormap.hpp"
#include "pixel/render.hpp"
#include "render/renderer.hpp"

namespace dcmlens::cli {

namespace {

const std::set<std::string> kRenderSwitches = {"--cpu"};
const std::set<std::string> kRenderValues = {
    "-o",        "--frame",        "--window",   "--window-index", "--voi-function",
    "--voi-lut", "--presentation", "--colormap", "--size",         "--interp"};

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

struct RenderSettings {
    pixel::DisplayOptions options;
    int frame = 0;
    std::optional<std::pair<int, int>> size;
    bool linear = false;
    bool cpu = false;
};

// One EGL context and renderer for a whole batch, made on first use.
class GpuSession {
public:
    render::Renderer& renderer() {
        if (!renderer_) {
            context_ = std::make_unique<headless::EglContext>();
            renderer_ = std::make_unique<render::Renderer>();
        }
        return *renderer_;
    }

private:
    std::unique_ptr<headless::EglContext> context_;
    std::unique_ptr<render::Renderer> renderer_;
};

pixel::Image renderFile(const std::string& path, const RenderSettings& s, GpuSession& gpu) {
    dicom::DicomFile file(path);
    if (!file.hasImage()) {
        throw Error("no pixel data (7FE0,0010): not an image");
    }
    const model::PixelBuffer frame = file.decodeFrame(s.frame);
    const model::Instance& instance = file.instance();
    const int width = s.size ? s.size->first : frame.width();
    const int height = s.size ? s.size->second : frame.height();
    const pixel::ViewMapping view =
        s.size ? pixel::fitView(frame.width(), frame.height(),
                                pixel::pixelAspect(instance.geometry), width, height)
               : pixel::ViewMapping{};
    const pixel::FrameRef ref{frame, 0, s.frame};
    const bool grayOutput = frame.samples() == 1 &&
                            instance.pixel.photometric != model::Photometric::PaletteColor &&
                            s.options.colormap == "gray";
    if (s.cpu) {
        return pixel::renderView(instance, ref, s.options, width, height, view, s.linear);
    }
    render::Renderer& renderer = gpu.renderer();
    std::optional<pixel::GrayPipeline> gray;
    if (frame.samples() == 1 && instance.pixel.photometric != model::Photometric::PaletteColor) {
        gray = pixel::makeGrayPipeline(instance, ref, s.options);
    }
    const auto image = renderer.upload(frame);
    render::Framebuffer target(width, height);
    target.bind();
    render::DrawRequest request;
    request.instance = &instance;
    request.gray = gray ? &*gray : nullptr;
    request.colormap = s.options.colormap;
    request.linear = s.linear;
    request.view = view;
    request.outputWidth = width;
    request.outputHeight = height;
    renderer.draw(*image, request);
    return target.read(grayOutput ? 1 : 3);
}

// Files of the inputs: files as given, folders searched recursively, in name order.
std::vector<std::string> expandInputs(const std::vector<std::string>& inputs) {
    std::vector<std::string> files;
    for (const std::string& input : inputs) {
        std::error_code ec;
        if (std::filesystem::is_directory(input, ec)) {
            std::vector<std::string> found;
            for (auto it = std::filesystem::recursive_directory_iterator(
                     input, std::filesystem::directory_options::skip_permission_denied, ec);
                 !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
                if (it->is_regular_file(ec)) {
                    found.push_back(it->path().string());
                }
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.push_back(input);
        }
    }
    return files;
}

}  // namespace

int runRender(const std::vector<std::string>& args) {
    const Arguments a(args, kRenderSwitches, kRenderValues);
    if (a.positionals().empty()) {
        throw UsageError{"render needs an input file or folder"};
    }
    const auto out = a.value("-o");
    if (!out) {
        throw UsageError{"render needs -o OUT.png (or -o OUTDIR for several inputs)"};
    }
    RenderSettings settings;
    settings.options = displayOptions(a);
    settings.cpu = a.has("--cpu");
    settings.frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    if (auto s = a.value("--size")) {
        auto [w, h] = parsePair("--size", *s, 'x');
        if (w < 1 || h < 1 || w > 16384 || h > 16384) {
            throw UsageError{"--size needs WxH between 1x1 and 16384x16384"};
        }
        settings.size = std::make_pair(static_cast<int>(w), static_cast<int>(h));
    }
    if (auto i = a.value("--interp")) {
        if (*i != "nearest" && *i != "linear") {
            throw UsageError{"--interp is nearest or linear, not '" + *i + "'"};
        }
        settings.linear = *i == "linear";
    }

    // One input file and an output that is not a folder: that file. Otherwise a batch into OUTDIR,
    // one PNG per input file named after it with ".png" appended.
    std::error_code ec;
    const bool batch = a.positionals().size() > 1 ||
                       std::filesystem::is_directory(a.positionals()[0], ec) ||
                       std::filesystem::is_directory(*out, ec);
    const std::vector<std::string> files = batch ? expandInputs(a.positionals()) : a.positionals();
    if (files.empty()) {
        return reportError(a.positionals()[0], "no files to render in this folder");
    }
    if (batch) {
        std::filesystem::create_directories(*out, ec);
        if (!std::filesystem::is_directory(*out, ec)) {
            return reportError(*out, "cannot create the output folder");
        }
    }
    GpuSession gpu;
    int failures = 0;
    std::set<std::string> written;
    for (const std::string& path : files) {
        try {
            std::string target = *out;
            if (batch) {
                const std::string name = std::filesystem::path(path).filename().string() + ".png";
                target = (std::filesystem::path(*out) / name).string();
                if (!written.insert(target).second) {
                    throw Error("another input has the same file name; not overwriting " + target);
                }
            }
            writePng(target, renderFile(path, settings, gpu));
        } catch (const Error& e) {
            failures += 1;
            reportError(path, e.what());
        }
    }
    return failures == 0 ? 0 : 1;
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
