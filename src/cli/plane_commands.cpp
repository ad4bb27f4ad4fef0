// `render`, `probe` and `compare --gpu-vs-cpu` with --plane (and --at, --axes, --slab,
// --projection): a plane of the volume a folder or multi-frame file forms, rendered, probed or
// compared GPU against CPU (cli/plane_engine.hpp).

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/json_writer.hpp"
#include "cli/plane_commands.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "io/png_writer.hpp"
#include "pixel/compare.hpp"

namespace dcmlens::cli {

namespace {

std::string inputName(const Arguments& a) {
    return a.positionals().empty() ? std::string("input") : a.positionals().front();
}

void checkPlaneArguments(const Arguments& a) {
    if (a.has("--frame")) {
        throw UsageError{"--frame picks a 2D image: a plane takes --at X,Y,Z instead"};
    }
    if (a.has("--flip") || a.has("--rotate")) {
        throw UsageError{"--flip and --rotate turn 2D images: a plane is turned with --axes"};
    }
}

const char* stateName(pixel::VolumeSample::State s) {
    switch (s) {
        case pixel::VolumeSample::State::Outside:
            return "outside";
        case pixel::VolumeSample::State::Missing:
            return "missing";
        case pixel::VolumeSample::State::Value:
            return "inside";
    }
    return "outside";
}

}  // namespace

int renderPlane(const Arguments& a, const PlaneSettings& plane, const RenderSettings& s,
                const std::string& out) {
    checkPlaneArguments(a);
    try {
        const OpenedVolume volume = openVolume(a.positionals());
        const pixel::PlaneView view = planeView(volume.geometry, plane, s.size);
        pixel::Image image;
        if (s.cpu) {
            const DecodedVolume decoded = decodeVolume(volume);
            const pixel::PlaneImage p = pixel::renderPlane(
                volume.geometry.grid(), decoded.slices,
                volume.geometry.sampling(view, plane.slab, plane.projection),
                planePipeline(volume, decoded, s.options), s.options.colormap, s.linear);
            image = p.image;
        } else {
            GpuVolumeSession gpu(volume);
            image = gpu.draw(view, plane, s.options, s.linear);
        }
        std::error_code ec;
        for (const std::string& input : a.positionals()) {
            if (std::filesystem::equivalent(input, out, ec)) {
                throw Error("the output is an input file: not overwriting it");
            }
        }
        io::writePng(out, image);
        for (const std::string& e : volume.errors) {
            std::cerr << "dcmlens: " << e << std::endl;
        }
        return volume.errors.empty() ? 0 : 1;
    } catch (const Error& e) {
        return reportError(inputName(a), e.what());
    }
}

int probePlane(const Arguments& a, const PlaneSettings& plane, const pixel::DisplayOptions& options,
               bool linear, double px, double py) {
    checkPlaneArguments(a);
    try {
        const OpenedVolume volume = openVolume(a.positionals());
        std::optional<std::pair<int, int>> size;
        if (auto v = a.value("--size")) {
            auto [w, h] = parsePair("--size", *v, 'x');
            size = std::make_pair(static_cast<int>(w), static_cast<int>(h));
        }
        const pixel::PlaneView view = planeView(volume.geometry, plane, size);
        const int x = static_cast<int>(px);
        const int y = static_cast<int>(py);
        if (x != px || y != py || x < 0 || y < 0 || x >= view.width || y >= view.height) {
            throw Error("pixel " + *a.value("--pixel") + " is outside the " +
                        std::to_string(view.width) + "x" + std::to_string(view.height) + " plane");
        }
        const DecodedVolume decoded = decodeVolume(volume);
        const pixel::GrayPipeline gray = planePipeline(volume, decoded, options);
        const pixel::PlaneProbe p =
            pixel::probePlane(volume.geometry.grid(), decoded.slices,
                              volume.geometry.sampling(view, plane.slab, plane.projection), view,
                              gray, options.colormap, linear, x, y);
        const auto& g = volume.geometry;
        JsonWriter j;
        std::ostringstream text;
        j.beginObject();
        j.key("plane").value(pixel::planeKindName(plane.kind));
        j.key("x").value(x);
        j.key("y").value(y);
        j.key("width").value(view.width);
        j.key("height").value(view.height);
        j.key("mm_per_pixel").value(view.mmPerPixel);
        j.key("position")
            .beginArray()
            .value(p.position[0])
            .value(p.position[1])
            .value(p.position[2])
            .endArray();
        j.key("state").value(stateName(p.state));
        j.key("interpolation").value(linear ? "linear" : "nearest");
        j.key("projection").value(pixel::projectionName(p.projection));
        char line[256];
        std::snprintf(line, sizeof line,
                      "%s plane, pixel (%d, %d) of %dx%d, %.4g mm per pixel\n"
                      "position     (%.3f, %.3f, %.3f) mm (LPS)\n",
                      pixel::planeKindName(plane.kind), x, y, view.width, view.height,
                      view.mmPerPixel, p.position[0], p.position[1], p.position[2]);
        text << line;
        if (p.state == pixel::VolumeSample::State::Outside) {
            text << "outside the volume: black\n";
        } else {
            const auto& slice = g.slices()[static_cast<std::size_t>(p.slice)];
            const model::Instance& in = *decoded.instances[slice.instance];
            const pixel::Vec3 centre =
                g.patientFromVoxel({static_cast<double>(p.column), static_cast<double>(p.row),
                                    static_cast<double>(p.slice)});
            j.key("voxel")
                .beginObject()
                .key("column")
                .value(p.column)
                .key("row")
                .value(p.row)
                .key("slice")
                .value(p.slice + 1)
                .key("image")
                .value(slice.frame + 1)
                .key("file")
                .value(in.path)
                .key("frame")
                .value(slice.instanceFrame + 1)
                .key("position")
                .beginArray()
                .value(centre[0])
                .value(centre[1])
                .value(centre[2])
                .endArray()
                .endObject();
            std::snprintf(line, sizeof line,
                          "voxel        column %d, row %d, slice %d of %d (image %d: %s, frame "
                          "%d), centre (%.3f, %.3f, %.3f)\n",
                          p.column, p.row, p.slice + 1, g.sliceCount(), slice.frame + 1,
                          in.path.c_str(), slice.instanceFrame + 1, centre[0], centre[1],
                          centre[2]);
            text << line;
            if (p.projection == pixel::Projection::Mip ||
                p.projection == pixel::Projection::MinIp) {
                j.key("source_slice").value(p.slice + 1);
                text << "from slice   " << p.slice + 1 << " ("
                     << (p.projection == pixel::Projection::Mip ? "the slab's maximum"
                                                                : "the slab's minimum")
                     << " of " << p.samples << " samples)\n";
            } else if (p.projection == pixel::Projection::Mean) {
                text << "mean of      " << p.samples << " samples\n";
            }
            j.key("samples").value(p.samples);
        }
        if (p.state == pixel::VolumeSample::State::Missing) {
            text << "a slice it needs is not loaded\n";
        }
        if (p.state == pixel::VolumeSample::State::Value) {
            const auto& in = decoded.reference(g);
            j.key("stored").value(static_cast<long long>(p.stored));
            j.key("modality").value(p.modality);
            j.key("modality_units").value(in.modality.rescaleType);
            j.key("value").value(p.value);
            j.key("voi").value(p.voi);
            j.key("output").value(p.output);
            j.key("colormap").value(options.colormap);
            j.key("colormap_rgb")
                .beginArray()
                .value(p.rgb[0])
                .value(p.rgb[1])
                .value(p.rgb[2])
                .endArray();
            text << "stored       " << p.stored << "\n";
            text << "modality     " << p.modality << " " << in.modality.rescaleType
                 << "  (of the nearest voxel)\n";
            text << "sampled      " << p.value << " "
                 << (p.projection != pixel::Projection::None
                         ? std::string(pixel::projectionName(p.projection))
                         : std::string(linear ? "trilinear" : "nearest"))
                 << "\n";
            text << "VOI output   " << p.voi << (gray.invert ? "  (inverted)" : "") << "\n";
            text << "8-bit        " << p.output << "\n";
            text << "colormap     " << options.colormap << " -> RGB " << p.rgb[0] << " " << p.rgb[1]
                 << " " << p.rgb[2] << "\n";
        }
        j.endObject();
        std::cout << (a.has("--json") ? j.str() + "\n" : text.str());
        return 0;
    } catch (const Error& e) {
        return reportError(inputName(a), e.what());
    }
}

int comparePlane(const Arguments& a, const PlaneSettings& plane, const RenderSettings& s,
                 pixel::FrameDifference& d) {
    checkPlaneArguments(a);
    const OpenedVolume volume = openVolume(a.positionals());
    const pixel::PlaneView view = planeView(volume.geometry, plane, s.size);
    const DecodedVolume decoded = decodeVolume(volume);
    const pixel::PlaneImage cpu =
        pixel::renderPlane(volume.geometry.grid(), decoded.slices,
                           volume.geometry.sampling(view, plane.slab, plane.projection),
                           planePipeline(volume, decoded, s.options), s.options.colormap, s.linear);
    GpuVolumeSession gpu(volume);
    const pixel::Image onGpu = gpu.draw(view, plane, s.options, s.linear);
    d = pixel::differenceOf(cpu.image, onGpu);
    return 0;
}

}  // namespace dcmlens::cli
