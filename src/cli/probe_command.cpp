// `dcmlens probe PATH --pixel X,Y [--frame N] [display options] [--json]`: every stage of the
// display pipeline for one pixel (column X, row Y, from 0), computed by the same code that renders
// (pixel/): the word as decoded, the stored value, the modality value, the VOI output before
// quantisation, the 8-bit level and its colormap colour; for colour images each sample before
// and after YBR conversion, for palette images the index and the looked-up colour.

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/display_arguments.hpp"
#include "cli/json_writer.hpp"
#include "cli/plane_commands.hpp"
#include "cli/render_engine.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "model/display_text.hpp"
#include "pixel/probe.hpp"
#include "pixel/render.hpp"

namespace dcmlens::cli {

namespace {

std::string bitsText(std::uint64_t word, int bitsAllocated, int bitsStored, int highBit) {
    // Most significant bit first; bits outside [highBit - bitsStored + 1, highBit] in brackets.
    std::string out;
    for (int b = bitsAllocated - 1; b >= 0; --b) {
        const bool stored = b <= highBit && b > highBit - bitsStored;
        const char c = ((word >> b) & 1) ? '1' : '0';
        out += stored ? std::string(1, c) : std::string("[") + c + "]";
    }
    return out;
}

}  // namespace

int runProbe(const std::vector<std::string>& args) {
    std::set<std::string> valued = displayOptionNames();
    valued.insert({"--pixel", "--frame", "--flip", "--rotate", "--size", "--interp"});
    valued.insert(planeOptionNames().begin(), planeOptionNames().end());
    const Arguments a(args, {"--json"}, valued);
    const auto plane = readPlaneOptions(a);
    if (a.positionals().empty() || (!plane && a.positionals().size() != 1) || !a.value("--pixel")) {
        throw UsageError{"probe needs FILE --pixel X,Y (or FOLDER --plane ... --pixel X,Y)"};
    }
    const auto [fx, fy] = parsePair("--pixel", *a.value("--pixel"), ',');
    if (plane) {
        RenderSettings view;
        readViewOptions(a, view);
        return probePlane(a, *plane, displayOptions(a), view.linear, fx, fy);
    }
    if (a.has("--size") || a.has("--interp")) {
        throw UsageError{"--size and --interp are for probe --plane: a 2D probe reads one pixel"};
    }
    // With --flip/--rotate, X,Y is a pixel of the turned image (as `render` with the same options
    // and no --size draws it); the output names the file's column and row.
    const pixel::Orientation orientation = readOrientation(a);
    int x = static_cast<int>(fx);
    int y = static_cast<int>(fy);
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    const pixel::DisplayOptions options = displayOptions(a);
    const std::string& path = a.positionals()[0];
    try {
        dicom::DicomFile file(path);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        const model::PixelBuffer stored = file.decodeFrame(frame);
        const model::PixelBuffer words = file.decodeRawFrame(frame);
        const model::Instance& in = file.instance();
        const int shownW = orientation.swapsAxes() ? stored.height() : stored.width();
        const int shownH = orientation.swapsAxes() ? stored.width() : stored.height();
        if (x < 0 || y < 0 || x >= shownW || y >= shownH || x != fx || y != fy) {
            throw Error("pixel " + *a.value("--pixel") + " is outside the " +
                        std::to_string(shownW) + "x" + std::to_string(shownH) +
                        (orientation.identity() ? " image" : " turned image"));
        }
        if (!orientation.identity()) {
            int u = 0;
            int v = 0;
            pixel::outputToViewPixel(orientation, shownW, shownH, x, y, u, v);
            x = u;
            y = v;
        }
        const auto& px = in.pixel;
        const int samples = stored.samples();
        JsonWriter j;
        j.beginObject();
        j.key("file").value(path);
        j.key("frame").value(frame + 1);
        j.key("x").value(x);
        j.key("y").value(y);
        j.key("photometric").value(px.photometricText);
        j.key("bits_allocated").value(px.bitsAllocated);
        j.key("bits_stored").value(px.bitsStored);
        j.key("high_bit").value(px.highBit);
        j.key("pixel_representation").value(px.isSigned ? 1 : 0);
        std::ostringstream text;
        text << path << "  frame " << frame + 1 << "  pixel (" << x << ", " << y << ")\n";
        auto sampleArray = [&](const char* key, auto get) {
            j.key(key).beginArray();
            for (int s = 0; s < samples; ++s) {
                j.value(static_cast<long long>(get(s)));
            }
            j.endArray();
        };
        std::array<std::int64_t, 3> values{};
        for (int c = 0; c < std::min(samples, 3); ++c) {
            values[static_cast<std::size_t>(c)] = stored.at(0, x, y, c);
        }
        std::optional<pixel::GrayPipeline> gray;
        if (samples == 1 && px.photometric != model::Photometric::PaletteColor) {
            gray = pixel::makeGrayPipeline(in, {stored, 0, frame}, options);
        }
        const pixel::PixelProbe probe =
            pixel::probePixel(in, values, gray ? &*gray : nullptr, options.colormap);
        auto rgbArray = [&](const char* key, const std::array<int, 3>& rgb) {
            j.key(key).beginArray().value(rgb[0]).value(rgb[1]).value(rgb[2]).endArray();
        };
        if (samples == 1) {
            const auto word = static_cast<std::uint64_t>(words.at(0, x, y, 0));
            char hex[32];
            std::snprintf(hex, sizeof hex, "0x%0*llX", (px.bitsAllocated + 3) / 4,
                          static_cast<unsigned long long>(word));
            j.key("raw").value(static_cast<long long>(word));
            j.key("raw_hex").value(hex);
            j.key("raw_bits").value(bitsText(word, px.bitsAllocated, px.bitsStored, px.highBit));
            j.key("stored").value(static_cast<long long>(probe.stored));
            text << "raw word     " << hex << "  "
                 << bitsText(word, px.bitsAllocated, px.bitsStored, px.highBit)
                 << "  (Bits Allocated " << px.bitsAllocated << ", Bits Stored " << px.bitsStored
                 << ", High Bit " << px.highBit << "; bits outside the stored field in brackets)\n";
            text << "stored       " << probe.stored << (px.isSigned ? " (signed)" : "") << "\n";
        }
        if (probe.kind == pixel::PixelProbe::Kind::Palette) {
            j.key("index").value(static_cast<long long>(probe.stored));
            j.key("modality").null();
            j.key("voi").null();
            rgbArray("output", probe.rgb);
            text << "palette      index " << probe.stored << " -> RGB " << probe.rgb[0] << " "
                 << probe.rgb[1] << " " << probe.rgb[2] << "\n";
        } else if (probe.kind == pixel::PixelProbe::Kind::Grey) {
            const std::string units = model::modalityUnits(in.modalityFor(frame), in.modalityCode);
            j.key("modality").value(probe.modality);
            j.key("modality_units").value(units);
            j.key("modality_lut").value(probe.modalityLutEntry.has_value());
            std::string lutEntry;
            if (probe.modalityLutEntry) {
                j.key("modality_lut_entry").value(static_cast<long long>(*probe.modalityLutEntry));
                lutEntry = "  (Modality LUT entry " + std::to_string(*probe.modalityLutEntry) + ")";
            }
            j.key("voi").value(probe.voi);
            j.key("output").value(probe.output);
            j.key("inverted").value(probe.inverted);
            j.key("colormap").value(options.colormap);
            rgbArray("colormap_rgb", probe.rgb);
            const auto& voi = gray->voi;
            j.key("voi_transform");
            switch (voi.kind()) {
                case pixel::VoiTransform::Kind::None:
                    j.value("none");
                    text << "VOI          none (the modality range stretched over 0-255)\n";
                    break;
                case pixel::VoiTransform::Kind::Lut:
                    j.value("LUT");
                    break;
                case pixel::VoiTransform::Kind::Window:
                    j.beginObject()
                        .key("center")
                        .value(voi.center())
                        .key("width")
                        .value(voi.width())
                        .key("function")
                        .value(model::voiFunctionName(voi.function()))
                        .endObject();
                    break;
            }
            text << "modality     " << probe.modality << (units.empty() ? "" : " " + units)
                 << lutEntry << "\n";
            text << "VOI output   " << probe.voi << (probe.inverted ? "  (inverted)" : "") << "\n";
            text << "8-bit        " << probe.output << "\n";
            text << "colormap     " << options.colormap << " -> RGB " << probe.rgb[0] << " "
                 << probe.rgb[1] << " " << probe.rgb[2] << "\n";
        } else {
            sampleArray("raw", [&](int c) { return words.at(0, x, y, c); });
            sampleArray("stored", [&](int c) { return stored.at(0, x, y, c); });
            const auto& v = probe.samples;
            text << "samples      " << v[0] << " " << v[1] << " " << v[2] << "  ("
                 << model::photometricName(in.decodedPhotometric) << " as decoded)\n";
            const auto& m = probe.converted ? *probe.converted : probe.samples;
            if (probe.converted) {
                text << "RGB          " << m[0] << " " << m[1] << " " << m[2]
                     << "  (after YBR -> RGB)\n";
            }
            j.key("modality")
                .beginArray()
                .value(static_cast<long long>(m[0]))
                .value(static_cast<long long>(m[1]))
                .value(static_cast<long long>(m[2]))
                .endArray();
            j.key("voi").null();
            rgbArray("output", probe.rgb);
            text << "8-bit        " << probe.rgb[0] << " " << probe.rgb[1] << " " << probe.rgb[2]
                 << "\n";
        }
        j.endObject();
        std::cout << (a.has("--json") ? j.str() + "\n" : text.str());
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
