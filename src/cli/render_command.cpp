// `dcmlens render PATH... -o OUT [options]`: one frame of each input through the display
// pipeline to a PNG, on the GPU (EGL, no display needed; one context for a whole batch) or with
// --cpu on the CPU reference (src/pixel/).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/display_arguments.hpp"
#include "cli/plane_commands.hpp"
#include "cli/remote_input.hpp"
#include "cli/render_engine.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "common/system_error.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/dicomdir.hpp"
#include "headless/egl_context.hpp"
#include "io/file_writer.hpp"
#include "io/png_writer.hpp"
#include "pixel/colormap.hpp"
#include "pixel/render.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"

namespace dcmlens::cli {

namespace {

const std::set<std::string> kRenderSwitches = {"--cpu", "--timings"};
std::set<std::string> renderValueNames() {
    std::set<std::string> names = displayOptionNames();
    names.insert({"-o", "--frame", "--stage"});
    names.insert(viewOptionNames().begin(), viewOptionNames().end());
    names.insert(planeOptionNames().begin(), planeOptionNames().end());
    return names;
}

}  // namespace

int runRender(const std::vector<std::string>& args) {
    const Arguments a(args, kRenderSwitches, renderValueNames());
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
    readViewOptions(a, settings);
    if (auto s = a.value("--stage")) {
        const auto stage = pixel::parseStage(*s);
        if (!stage) {
            throw UsageError{"--stage is output, voi, modality or stored, not '" + *s + "'"};
        }
        if (*stage != pixel::DisplayOptions::Stage::Output && a.has("--colormap")) {
            throw UsageError{"--stage " + *s + " shows grey values: it takes no --colormap"};
        }
        settings.options.stage = *stage;
    }
    if (const auto plane = readPlaneOptions(a)) {
        // A plane of the volume the inputs form (one series), into one PNG.
        return renderPlane(a, *plane, settings, *out);
    }

    // One input file and an output that is not a folder: that file. Otherwise a batch into OUTDIR,
    // one PNG per input file named after it with ".png" appended. A DICOMDIR is a batch of the
    // files it references (series::listFiles), written as OUTDIR/FILE/ID/COMPONENTS.png: media
    // name files IM000001 and so on in every series folder, so file names alone would collide.
    namespace fs = std::filesystem;
    std::error_code ec;
    // A series on a server stands for its instances (retrieved through the cache), rendered
    // like a folder's files: OUTDIR/SOP_INSTANCE_UID.png.
    bool remote = false;
    std::vector<std::string> remoteProblems;
    std::vector<std::string> inputs;
    try {
        inputs = expandInputs(a.positionals(), &remote, &remoteProblems);
    } catch (const Error& e) {
        std::cerr << "dcmlens: " << e.what() << std::endl;
        return 1;
    }
    const bool batch = inputs.size() > 1 || remote || fs::is_directory(inputs[0], ec) ||
                       fs::is_directory(*out, ec) || dicom::isDicomdir(inputs[0]);
    if (!batch) {
        requireExtension(*out, {".png"}, "render writes PNG images");
    }
    std::vector<std::string> files;
    std::vector<fs::path> names;                         // each file's PNG, relative to OUTDIR
    std::vector<std::string> problems = remoteProblems;  // DICOMDIR: missing referenced files
    if (!batch) {
        files = inputs;
    }
    for (const std::string& input : batch ? inputs : std::vector<std::string>{}) {
        const bool dicomdir = !fs::is_directory(input, ec) && dicom::isDicomdir(input);
        const fs::path base = fs::path(input).parent_path();
        for (std::string& file : series::listFiles({input}, &problems)) {
            fs::path name = fs::path(file).filename();
            if (dicomdir) {
                name = base.empty() ? fs::path(file) : fs::path(file).lexically_relative(base);
            }
            names.push_back(name.string() + ".png");
            files.push_back(std::move(file));
        }
    }
    for (const std::string& problem : problems) {
        std::cerr << "dcmlens: " << problem << std::endl;
    }
    if (files.empty()) {
        return problems.empty() ? reportError(inputs[0], "no files to render in this folder") : 1;
    }
    if (batch) {
        fs::create_directories(*out, ec);
        const std::error_code created = ec;
        if (!fs::is_directory(*out, ec)) {
            return reportError(*out, "cannot create the output folder" +
                                         (created ? ": " + systemReason(created.value()) : ""));
        }
    }
    GpuSession gpu;
    Timings timings;
    // A pipeline over the batch: the next file decodes and finished images are written as PNG on
    // worker threads while this thread (which owns the GL context) renders.
    std::vector<std::string> targets;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string target = *out;
        if (batch) {
            const fs::path path = fs::path(*out) / names[i];
            fs::create_directories(path.parent_path(), ec);  // a DICOMDIR's folders
            target = path.string();
            if (!seen.insert(target).second) {
                target.clear();  // another input has the same file name: not overwritten
            }
        }
        targets.push_back(target);
    }
    auto decodeAsync = [&](std::size_t i) {
        return std::async(std::launch::async,
                          [&, i] { return decodeInput(files[i], settings, timings); });
    };
    int failures = static_cast<int>(problems.size());
    auto fail = [&](const std::string& path, const std::string& reason) {
        failures += 1;
        reportError(path, reason);
    };
    std::future<Decoded> next = decodeAsync(0);
    if (!settings.cpu) {
        try {
            gpu.start(timings);  // while the first file decodes
        } catch (const Error& e) {
            next.wait();
            return reportError("GPU", e.what());
        }
    }
    std::deque<std::pair<std::string, std::future<void>>> writes;  // at most two in flight
    auto finishWrite = [&] {
        try {
            writes.front().second.get();
        } catch (const Error& e) {
            fail(writes.front().first, e.what());
        }
        writes.pop_front();
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::future<Decoded> current = std::move(next);
        if (i + 1 < files.size()) {
            next = decodeAsync(i + 1);
        }
        try {
            if (targets[i].empty()) {
                current.wait();
                throw Error("another input has the same file name; not overwriting its PNG");
            }
            const Decoded decoded = current.get();
            auto image =
                std::make_shared<pixel::Image>(renderDecoded(decoded, settings, gpu, timings));
            while (writes.size() >= 2) {
                finishWrite();
            }
            const std::string target = targets[i];
            writes.emplace_back(files[i], std::async(std::launch::async, [&timings, image, target] {
                                    timings.measure("png", [&] { io::writePng(target, *image); });
                                }));
        } catch (const Error& e) {
            fail(files[i], e.what());
        }
    }
    gpu.stop();  // the context's teardown (~2 ms on llvmpipe) overlaps the last PNG writes
    while (!writes.empty()) {
        finishWrite();
    }
    if (a.has("--timings")) {
        std::cerr << timings.report() << std::endl;
        if (!settings.cpu) {
            std::cerr << "shader programs: " << gpu.programs().loaded << " from the cache, "
                      << gpu.programs().compiled << " compiled" << std::endl;
        }
    }
    return failures == 0 ? 0 : 1;
}

// `dcmlens export PATH --raw -o OUT [--frame N]`: the stored values of a frame, losslessly: an
// 8-bit PNG for unsigned 8-bit data, a 16-bit PNG (grey or RGB) for data of up to 16 bits (signed
// values as their 16-bit two's complement, marked by the tEXt chunk dcmlens-signed = 1),
// little-endian int32 for a .raw name.
//
// `dcmlens export PATH --fragment K -o OUT`: the bytes of fragment K (from 1) of encapsulated
// pixel data as the file holds them (PS3.5 A.4), e.g. to feed a codec by hand.
int runExport(const std::vector<std::string>& args) {
    const Arguments a(args, {"--raw"}, {"-o", "--frame", "--fragment"});
    if (a.positionals().size() != 1 || !a.value("-o") || a.has("--raw") == a.has("--fragment")) {
        throw UsageError{"export needs FILE --raw -o OUT.png, or FILE --fragment K -o OUT.bin"};
    }
    if (auto k = a.value("--fragment")) {
        const int fragment = parseInt("--fragment", *k, 1) - 1;
        const std::string& path = a.positionals()[0];
        try {
            std::error_code ec;
            if (std::filesystem::equivalent(path, *a.value("-o"), ec)) {
                throw Error("the output is the input file: not overwriting it");
            }
            dicom::DicomFile file(path);
            const std::vector<std::uint8_t> bytes = file.fragmentData(fragment);
            io::writeFile(*a.value("-o"), bytes.data(), bytes.size());
            return 0;
        } catch (const Error& e) {
            return reportError(path, e.what());
        }
    }
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    const std::string& path = a.positionals()[0];
    const std::string out = *a.value("-o");
    requireExtension(out, {".png", ".raw"},
                     "export --raw writes a PNG (.png) or little-endian int32 values (.raw)");
    try {
        dicom::DicomFile file(path);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        const model::PixelBuffer frames = file.decodeFrame(frame);
        const bool png = hasExtension(out, ".png");
        if (!png) {
            return runDumpStored({path, "-o", out, "--frame", std::to_string(frame + 1)});
        }
        if (model::sampleBytes(frames.type()) > 2) {
            throw Error(
                "values of more than 16 bits do not fit a 16-bit PNG: export to a .raw file");
        }
        if (frames.type() == model::SampleType::U8) {  // 8-bit values: an 8-bit PNG holds them
            pixel::Image image(frames.width(), frames.height(), frames.samples());
            for (int y = 0; y < frames.height(); ++y) {
                for (int x = 0; x < frames.width(); ++x) {
                    for (int s = 0; s < frames.samples(); ++s) {
                        image.pixel(x, y)[s] = static_cast<std::uint8_t>(frames.at(0, x, y, s));
                    }
                }
            }
            io::writePng(out, image);
            return 0;
        }
        std::vector<std::uint16_t> words;
        words.reserve(frames.frameSampleCount());
        for (int y = 0; y < frames.height(); ++y) {
            for (int x = 0; x < frames.width(); ++x) {
                for (int s = 0; s < frames.samples(); ++s) {
                    words.push_back(static_cast<std::uint16_t>(frames.at(0, x, y, s)));
                }
            }
        }
        const bool isSigned = model::isSignedType(frames.type());
        io::writePng16(out, words.data(), frames.width(), frames.height(), frames.samples(),
                       isSigned ? "dcmlens-signed" : "", isSigned ? "1" : "");
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
    requireExtension(*a.value("-o"), {".raw"}, "dump-stored writes little-endian int32 values");
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    const std::string& path = a.positionals()[0];
    try {
        dicom::DicomFile file(path);
        const model::PixelBuffer frames = file.decodeFrame(frame);
        std::vector<std::int32_t> values;
        values.reserve(frames.frameSampleCount());
        for (int y = 0; y < frames.height(); ++y) {
            for (int x = 0; x < frames.width(); ++x) {
                for (int s = 0; s < frames.samples(); ++s) {
                    values.push_back(static_cast<std::int32_t>(frames.at(0, x, y, s)));
                }
            }
        }
        // In the host's byte order: little endian on the machines dcmlens builds for.
        io::writeFile(*a.value("-o"), values.data(), values.size() * sizeof(std::int32_t));
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
