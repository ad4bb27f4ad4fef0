// `dcmlens probe PATH --pixel X,Y [--frame N] [display options] [--json]`: every stage of the
// display pipeline for one pixel (column X, row Y, from 0), computed by the same code that renders
// (pixel/): the word as decoded, the stored value, the modality value, the VOI output before
// quantisation, the 8-bit level and its colormap colour; for colour images each sample before
// and after YBR conversion, for palette images the index and the looked-up colour.

#include <algorithm>
#include <bitset>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/display_arguments.hpp"
#include "cli/json_writer.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"
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
    valued.insert({"--pixel", "--frame"});
    const Arguments a(args, {"--json"}, valued);
    if (a.positionals().size() != 1 || !a.value("--pixel")) {
        throw UsageError{"probe needs FILE --pixel X,Y"};
    }
    const auto [fx, fy] = parsePair("--pixel", *a.value("--pixel"), ',');
    const int x = static_cast<int>(fx);
    const int y = static_cast<int>(fy);
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
        if (x < 0 || y < 0 || x >= stored.width() || y >= stored.height() || x != fx || y != fy) {
            throw Error("pixel " + *a.value("--pixel") + " is outside the " +
                        std::to_string(stored.width()) + "x" + std::to_string(stored.height()) +
                        " image");
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
        if (samples == 1) {
            const auto word = static_cast<std::uint64_t>(words.at(0, x, y, 0));
            const std::int64_t value = stored.at(0, x, y, 0);
            char hex[32];
            std::snprintf(hex, sizeof hex, "0x%0*llX", (px.bitsAllocated + 3) / 4,
                          static_cast<unsigned long long>(word));
            j.key("raw").value(static_cast<long long>(word));
            j.key("raw_hex").value(hex);
            j.key("raw_bits").value(bitsText(word, px.bitsAllocated, px.bitsStored, px.highBit));
            j.key("stored").value(static_cast<long long>(value));
            text << "raw word     " << hex << "  "
                 << bitsText(word, px.bitsAllocated, px.bitsStored, px.highBit)
                 << "  (Bits Allocated " << px.bitsAllocated << ", Bits Stored " << px.bitsStored
                 << ", High Bit " << px.highBit << "; bits outside the stored field in brackets)\n";
            text << "stored       " << value << (px.isSigned ? " (signed)" : "") << "\n";
            if (px.photometric == model::Photometric::PaletteColor) {
                if (!in.palette) {
                    throw Error(
                        "PALETTE COLOR image without complete palette tables (0028,1101-1203)");
                }
                const auto rgb = pixel::paletteLookup(*in.palette, value);
                j.key("index").value(static_cast<long long>(value));
                j.key("modality").null();
                j.key("voi").null();
                j.key("output").beginArray().value(rgb[0]).value(rgb[1]).value(rgb[2]).endArray();
                text << "palette      index " << value << " -> RGB " << rgb[0] << " " << rgb[1]
                     << " " << rgb[2] << "\n";
            } else {
                const pixel::GrayPipeline pipeline =
                    pixel::makeGrayPipeline(in, {stored, 0, frame}, options);
                const pixel::GrayStages st = pipeline.stages(value);
                const model::ModalityInfo& mod = in.modalityFor(frame);
                j.key("modality").value(st.modality);
                j.key("modality_units").value(mod.rescaleType);
                j.key("modality_lut").value(pipeline.modality.usesLut());
                std::string lutEntry;
                if (const model::LutPtr& lut = pipeline.modality.lut()) {
                    // Values outside the table take its first or last entry (PS3.3 C.11.1.1).
                    const std::int64_t entry = std::clamp<std::int64_t>(
                        value - lut->firstMapped, 0,
                        static_cast<std::int64_t>(lut->entries.size()) - 1);
                    j.key("modality_lut_entry").value(static_cast<long long>(entry));
                    lutEntry = "  (Modality LUT entry " + std::to_string(entry) + ")";
                }
                j.key("voi").value(st.voi);
                j.key("output").value(st.output);
                j.key("inverted").value(pipeline.invert);
                const pixel::Colormap* map = pixel::findColormap(options.colormap);
                const auto& rgb = map->table[static_cast<std::size_t>(st.output)];
                j.key("colormap").value(options.colormap);
                j.key("colormap_rgb")
                    .beginArray()
                    .value(rgb[0])
                    .value(rgb[1])
                    .value(rgb[2])
                    .endArray();
                const auto& voi = pipeline.voi;
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
                text << "modality     " << st.modality << " " << mod.rescaleType << lutEntry
                     << "\n";
                text << "VOI output   " << st.voi << (pipeline.invert ? "  (inverted)" : "")
                     << "\n";
                text << "8-bit        " << st.output << "\n";
                text << "colormap     " << options.colormap << " -> RGB " << int(rgb[0]) << " "
                     << int(rgb[1]) << " " << int(rgb[2]) << "\n";
            }
        } else {
            sampleArray("raw", [&](int s) { return words.at(0, x, y, s); });
            sampleArray("stored", [&](int s) { return stored.at(0, x, y, s); });
            std::int64_t v[3] = {stored.at(0, x, y, 0), stored.at(0, x, y, 1),
                                 stored.at(0, x, y, 2)};
            const model::Photometric ph = in.decodedPhotometric;
            const bool ybr = ph == model::Photometric::YbrFull ||
                             ph == model::Photometric::YbrFull422 ||
                             ph == model::Photometric::YbrPartial422;
            text << "samples      " << v[0] << " " << v[1] << " " << v[2] << "  ("
                 << model::photometricName(ph) << " as decoded)\n";
            if (ybr) {
                const auto rgb = pixel::ybrToRgb(v[0], v[1], v[2], px.bitsStored,
                                                 ph == model::Photometric::YbrFull);
                std::copy(rgb.begin(), rgb.end(), v);
                text << "RGB          " << v[0] << " " << v[1] << " " << v[2]
                     << "  (after YBR -> RGB)\n";
            }
            j.key("modality")
                .beginArray()
                .value(static_cast<long long>(v[0]))
                .value(static_cast<long long>(v[1]))
                .value(static_cast<long long>(v[2]))
                .endArray();
            j.key("voi").null();
            j.key("output").beginArray();
            text << "8-bit        ";
            for (int s = 0; s < 3; ++s) {
                const int o = pixel::colorTo8Bit(v[s], px.bitsStored);
                j.value(o);
                text << o << (s < 2 ? " " : "\n");
            }
            j.endArray();
        }
        j.endObject();
        std::cout << (a.has("--json") ? j.str() + "\n" : text.str());
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
