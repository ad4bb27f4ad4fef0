// `dcmlens compare A [B] [--frame N] [--frame-b M] [-o DIFF.png] [--json]`: two frames of the same
// size value by value (B defaults to A, so `--frame 1 --frame-b 2` compares two frames of one
// file), with the statistics of B - A and a difference image.
//
// `dcmlens compare A --gpu-vs-cpu [--frame N] [display options] [--size WxH] [--interp ...]`:
// the view rendered on the GPU against the CPU reference of the same view, level by level.

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/display_arguments.hpp"
#include "cli/json_writer.hpp"
#include "cli/plane_commands.hpp"
#include "cli/render_engine.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "io/png_writer.hpp"
#include "model/display_text.hpp"
#include "pixel/compare.hpp"

namespace dcmlens::cli {

namespace {

void print(const pixel::FrameDifference& d, bool json) {
    if (json) {
        JsonWriter j;
        j.beginObject();
        j.key("compared").value(d.compared);
        j.key("width").value(d.width);
        j.key("height").value(d.height);
        j.key("pixels").value(static_cast<unsigned long>(d.pixels));
        j.key("differing").value(static_cast<unsigned long>(d.differing));
        j.key("max_abs").value(d.maxAbs);
        j.key("mean").value(d.mean);
        j.key("rms").value(d.rms);
        j.endObject();
        std::cout << j.str() << "\n";
        return;
    }
    std::printf("compared   %s, %dx%d\n", d.compared.c_str(), d.width, d.height);
    std::printf("differing  %zu of %s\n", d.differing, model::countText(d.pixels, "pixel").c_str());
    std::printf("B - A      max |d| %g, mean %g, rms %g\n", d.maxAbs, d.mean, d.rms);
}

}  // namespace

int runCompare(const std::vector<std::string>& args) {
    std::set<std::string> valued = displayOptionNames();
    valued.insert({"-o", "--frame", "--frame-b"});
    valued.insert(viewOptionNames().begin(), viewOptionNames().end());
    valued.insert(planeOptionNames().begin(), planeOptionNames().end());
    const Arguments a(args, {"--json", "--gpu-vs-cpu"}, valued);
    const bool gpuVsCpu = a.has("--gpu-vs-cpu");
    const auto plane = readPlaneOptions(a);
    if (plane && !gpuVsCpu) {
        throw UsageError{"--plane is for compare --gpu-vs-cpu"};
    }
    if (a.positionals().empty() || (!plane && a.positionals().size() > (gpuVsCpu ? 1u : 2u))) {
        throw UsageError{gpuVsCpu ? "compare --gpu-vs-cpu takes one file"
                                  : "compare needs FILE_A [FILE_B] (B defaults to A)"};
    }
    const std::string& pathA = a.positionals()[0];
    const std::string& pathB = a.positionals().size() > 1 ? a.positionals()[1] : pathA;
    RenderSettings settings;
    settings.options = displayOptions(a);
    settings.frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    readViewOptions(a, settings);
    for (const std::string& name : displayOptionNames()) {
        const auto& view = viewOptionNames();
        if (!gpuVsCpu && (a.has(name) || std::any_of(view.begin(), view.end(),
                                                     [&](const auto& v) { return a.has(v); }))) {
            throw UsageError{"display options only apply to compare --gpu-vs-cpu"};
        }
    }
    if (gpuVsCpu && a.has("--frame-b")) {
        throw UsageError{"compare --gpu-vs-cpu renders one frame: it takes no --frame-b"};
    }
    if (auto out = a.value("-o")) {
        requireExtension(*out, {".png"}, "the difference image is a PNG");
    }
    std::string current = pathA;
    try {
        Timings timings;
        pixel::FrameDifference d;
        if (plane) {
            comparePlane(a, *plane, settings, d);
        } else if (gpuVsCpu) {
            const Decoded decoded = decodeInput(pathA, settings, timings);
            GpuSession gpu;
            settings.cpu = false;
            const pixel::Image onGpu = renderDecoded(decoded, settings, gpu, timings);
            settings.cpu = true;
            const pixel::Image onCpu = renderDecoded(decoded, settings, gpu, timings);
            d = pixel::differenceOf(onCpu, onGpu);  // B - A: GPU minus the CPU reference
        } else {
            const Decoded da = decodeInput(pathA, settings, timings);
            RenderSettings settingsB = settings;
            if (auto k = a.value("--frame-b")) {
                settingsB.frame = parseInt("--frame-b", *k, 1) - 1;
            }
            current = pathB;
            const Decoded db = decodeInput(pathB, settingsB, timings);
            current = pathA;
            d = pixel::differenceOf(da.instance, {da.frame, 0, settings.frame}, db.instance,
                                    {db.frame, 0, settingsB.frame});
        }
        if (auto out = a.value("-o")) {
            std::error_code ec;
            if (std::filesystem::equivalent(*out, pathA, ec) ||
                std::filesystem::equivalent(*out, pathB, ec)) {
                throw Error("the output is an input file: not overwriting it");
            }
            io::writePng(*out, pixel::differenceImage(d));
        }
        print(d, a.has("--json"));
        return 0;
    } catch (const Error& e) {
        return reportError(current, e.what());
    }
}

}  // namespace dcmlens::cli
