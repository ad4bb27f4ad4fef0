// `dcmlens info PATH [--json]`: what dcmlens decoded from a file.

#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/json_writer.hpp"
#include "cli/remote_input.hpp"
#include "cli/report.hpp"
#include "cli/tag_dump.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/dicomdir.hpp"
#include "dicom/dictionary.hpp"
#include "model/display_text.hpp"

namespace dcmlens::cli {

namespace {

template <std::size_t N>
void jsonNumbers(JsonWriter& j, const std::string& key,
                 const std::optional<std::array<double, N>>& v) {
    j.key(key);
    if (!v) {
        j.null();
        return;
    }
    j.beginArray();
    for (double x : *v) {
        j.value(x);
    }
    j.endArray();
}

void jsonLut(JsonWriter& j, const model::Lut& lut) {
    j.beginObject()
        .key("entries")
        .value(static_cast<unsigned long>(lut.entries.size()))
        .key("first_mapped")
        .value(static_cast<long>(lut.firstMapped))
        .key("bits")
        .value(lut.bits)
        .key("explanation")
        .value(lut.explanation)
        .endObject();
}

void jsonPixelLayout(JsonWriter& j, const dicom::DicomFile::PixelLayout& l) {
    j.key("pixel_data").beginObject();
    j.key("encapsulated").value(l.encapsulated);
    if (!l.encapsulated) {
        j.key("bytes").value(static_cast<unsigned long>(l.nativeBytes));
        j.key("frame_bytes").value(static_cast<unsigned long>(l.frameBytes));
    } else {
        j.key("offset_table").beginArray();
        for (auto v : l.offsetTable) {
            j.value(static_cast<unsigned long>(v));
        }
        j.endArray();
        j.key("fragments").beginArray();
        for (const auto& f : l.fragments) {
            j.beginObject()
                .key("offset")
                .value(static_cast<unsigned long>(f.offset))
                .key("length")
                .value(static_cast<unsigned long>(f.length))
                .endObject();
        }
        j.endArray();
        j.key("frames").beginArray();
        for (const auto& [first, count] : l.frameFragments) {
            j.beginObject()
                .key("first_fragment")
                .value(first)
                .key("fragments")
                .value(count)
                .endObject();
        }
        j.endArray();
    }
    j.endObject();
}

std::string infoJson(const model::Instance& in, bool hasImage) {
    const auto& px = in.pixel;
    JsonWriter j;
    j.beginObject();
    j.key("path").value(in.path);
    j.key("transfer_syntax").value(in.transferSyntaxUid);
    j.key("transfer_syntax_name").value(in.transferSyntaxName);
    j.key("sop_class").value(in.sopClassUid);
    j.key("sop_class_name").value(in.sopClassName);
    j.key("modality").value(in.modalityCode);
    j.key("is_image").value(hasImage);
    // Which dictionary named the tags and gave implicit-VR elements their VRs (dictionary.hpp).
    j.key("data_dictionary").value(dicom::compiledDictionaryInUse() ? "compiled" : "DCMTK's files");
    j.key("rows").value(px.rows);
    j.key("columns").value(px.columns);
    j.key("frames").value(px.frames);
    j.key("samples_per_pixel").value(px.samplesPerPixel);
    j.key("photometric").value(px.photometricText);
    j.key("bits_allocated").value(px.bitsAllocated);
    j.key("bits_stored").value(px.bitsStored);
    j.key("high_bit").value(px.highBit);
    j.key("pixel_representation").value(px.isSigned ? 1 : 0);
    j.key("planar_configuration").value(px.planarConfiguration);
    j.key("rescale")
        .beginObject()
        .key("present")
        .value(in.modality.hasRescale)
        .key("slope")
        .value(in.modality.slope)
        .key("intercept")
        .value(in.modality.intercept)
        .key("type")
        .value(in.modality.rescaleType)
        .endObject();
    // What the viewer and `probe` show after modality values (display_text.hpp).
    j.key("modality_units").value(model::modalityUnits(in.modality, in.modalityCode));
    j.key("modality_lut");
    if (in.modality.lut) {
        jsonLut(j, *in.modality.lut);
    } else {
        j.null();
    }
    j.key("windows").beginArray();
    for (const auto& w : in.voi.windows) {
        j.beginObject()
            .key("center")
            .value(w.center)
            .key("width")
            .value(w.width)
            .key("explanation")
            .value(w.explanation)
            .endObject();
    }
    j.endArray();
    j.key("voi_function").value(model::voiFunctionName(in.voi.function));
    j.key("voi_luts").beginArray();
    for (const auto& lut : in.voi.luts) {
        jsonLut(j, *lut);
    }
    j.endArray();
    j.key("presentation_lut_shape");
    if (in.presentationShape) {
        j.value(*in.presentationShape == model::PresentationShape::Inverse ? "INVERSE"
                                                                           : "IDENTITY");
    } else {
        j.null();
    }
    j.key("pixel_padding_value");
    if (in.padding.value) {
        j.value(static_cast<long long>(*in.padding.value));
    } else {
        j.null();
    }
    j.key("palette").value(in.palette != nullptr);
    j.key("overlays").value(static_cast<unsigned long>(in.overlays.size()));
    j.key("enhanced_frames").value(static_cast<unsigned long>(in.frameAttributes.size()));
    j.key("frame_time_ms").value(in.frameTimeMs);
    j.key("geometry").beginObject();
    jsonNumbers(j, "image_position", in.geometry.position);
    jsonNumbers(j, "image_orientation", in.geometry.orientation);
    jsonNumbers(j, "pixel_spacing", in.geometry.pixelSpacing);
    j.key("slice_thickness");
    if (in.geometry.sliceThickness) {
        j.value(*in.geometry.sliceThickness);
    } else {
        j.null();
    }
    j.key("frame_of_reference").value(in.geometry.frameOfReferenceUid);
    j.key("instance_number");
    if (in.geometry.instanceNumber) {
        j.value(*in.geometry.instanceNumber);
    } else {
        j.null();
    }
    j.endObject();
    j.endObject();
    return j.str();
}

std::string entries(std::uint64_t n) {
    return model::countText(n, "entry", "entries");
}

template <std::size_t N>
std::string joined(const std::array<double, N>& v) {
    std::ostringstream s;
    for (std::size_t i = 0; i < N; ++i) {
        s << (i ? "\\" : "") << v[i];
    }
    return s.str();
}

std::string infoText(const model::Instance& in, bool hasImage) {
    const auto& px = in.pixel;
    std::ostringstream s;
    s << "file:             " << in.path << "\n";
    s << "transfer syntax:  " << in.transferSyntaxUid << " (" << in.transferSyntaxName << ")\n";
    s << "SOP class:        " << in.sopClassUid << " (" << in.sopClassName << ")\n";
    s << "modality:         " << in.modalityCode << "\n";
    if (!in.studyDate.empty() || !in.studyTime.empty()) {
        // One format for every date shown (display_text.hpp), whatever the file's spelling.
        const std::string date = model::formatDate(in.studyDate);
        const std::string time = model::formatTime(in.studyTime);
        s << "study date:       " << date << (date.empty() || time.empty() ? "" : " ") << time
          << "\n";
    }
    if (!hasImage) {
        s << "image:            none (no Pixel Data)\n";
        return s.str();
    }
    s << "size:             " << px.columns << " x " << px.rows << ", "
      << model::countText(static_cast<std::uint64_t>(std::max(0, px.frames)), "frame") << ", "
      << model::countText(static_cast<std::uint64_t>(std::max(0, px.samplesPerPixel)), "sample")
      << " per pixel\n";
    s << "photometric:      " << px.photometricText << "\n";
    s << "bits:             allocated " << px.bitsAllocated << ", stored " << px.bitsStored
      << ", high bit " << px.highBit << ", " << (px.isSigned ? "signed" : "unsigned") << "\n";
    if (px.samplesPerPixel > 1) {
        s << "planar config:    " << px.planarConfiguration << "\n";
    }
    const std::string units = model::modalityUnits(in.modality, in.modalityCode);
    if (in.modality.lut) {
        s << "modality LUT:     " << entries(in.modality.lut->entries.size()) << " from "
          << in.modality.lut->firstMapped << ", " << in.modality.lut->bits << " bits"
          << (units.empty() ? "" : ", units " + units) << "\n";
    } else if (in.modality.hasRescale) {
        s << "rescale:          slope " << in.modality.slope << ", intercept "
          << in.modality.intercept << (units.empty() ? "" : ", units " + units) << "\n";
    }
    for (std::size_t i = 0; i < in.voi.windows.size(); ++i) {
        const auto& w = in.voi.windows[i];
        s << "window " << i + 1 << ":         center " << w.center << ", width " << w.width
          << (w.explanation.empty() ? "" : " (" + w.explanation + ")") << "\n";
    }
    s << "VOI function:     " << model::voiFunctionName(in.voi.function) << "\n";
    for (std::size_t i = 0; i < in.voi.luts.size(); ++i) {
        const model::Lut& l = *in.voi.luts[i];
        s << "VOI LUT " << i + 1 << ":        " << entries(l.entries.size()) << " from "
          << l.firstMapped << ", " << l.bits << " bits"
          << (l.explanation.empty() ? "" : " (" + l.explanation + ")") << "\n";
    }
    if (in.presentationShape) {
        s << "presentation:     "
          << (*in.presentationShape == model::PresentationShape::Inverse ? "INVERSE" : "IDENTITY")
          << "\n";
    }
    if (in.padding.value) {
        s << "padding value:    " << *in.padding.value << "\n";
    }
    if (in.palette) {
        s << "palette:          " << entries(in.palette->red.entries.size()) << ", "
          << in.palette->red.bits << " bits\n";
    }
    if (!in.overlays.empty()) {
        s << "overlays:         " << in.overlays.size() << "\n";
    }
    if (!in.frameAttributes.empty()) {
        s << "functional groups: " << model::countText(in.frameAttributes.size(), "frame") << "\n";
    }
    const auto& g = in.geometry;
    if (g.position) {
        s << "position:         " << joined(*g.position) << "\n";
    }
    if (g.orientation) {
        s << "orientation:      " << joined(*g.orientation) << "\n";
    }
    if (g.pixelSpacing) {
        s << "pixel spacing:    " << joined(*g.pixelSpacing) << "\n";
    }
    if (g.sliceThickness) {
        s << "slice thickness:  " << *g.sliceThickness << "\n";
    }
    if (!g.frameOfReferenceUid.empty()) {
        s << "frame of ref:     " << g.frameOfReferenceUid << "\n";
    }
    if (g.instanceNumber) {
        s << "instance number:  " << *g.instanceNumber << "\n";
    }
    return s.str();
}

// A DICOMDIR's referenced files in record order and its problems (missing files), after the
// file's own information: "dicomdir": {"files": [...], "problems": [...]} in JSON (or "error"
// when its Directory Record Sequence cannot be read).
void appendDicomdir(std::string& text, const std::string& path, bool json) {
    std::optional<dicom::DicomdirContents> dir;
    std::string error;
    try {
        dir = dicom::readDicomdir(path);
    } catch (const Error& e) {
        error = e.what();
    }
    if (json) {
        JsonWriter j;
        j.beginObject().key("dicomdir").beginObject();
        if (dir) {
            j.key("files").beginArray();
            for (const std::string& f : dir->files) {
                j.value(f);
            }
            j.endArray().key("problems").beginArray();
            for (const std::string& p : dir->problems) {
                j.value(p);
            }
            j.endArray();
        } else {
            j.key("error").value(error);
        }
        j.endObject().endObject();
        // Splice {"dicomdir": ...} into the object: drop the outer braces.
        const std::string inner = j.str().substr(1, j.str().size() - 2);
        text.insert(text.size() - 1, "," + inner);
        return;
    }
    if (!dir) {
        text += "DICOMDIR:         not readable: " + error + "\n";
        return;
    }
    text +=
        "DICOMDIR:         " + model::countText(dir->files.size(), "referenced file") +
        (dir->problems.empty() ? "" : ", " + model::countText(dir->problems.size(), "problem")) +
        "\n";
    for (const std::string& f : dir->files) {
        text += "  " + f + "\n";
    }
    for (const std::string& p : dir->problems) {
        text += "  problem: " + p + "\n";
    }
}

}  // namespace

int runInfo(const std::vector<std::string>& args) {
    const Arguments a(args, {"--json", "--tags"}, {});
    if (a.positionals().size() != 1) {
        throw UsageError{"info needs exactly one file"};
    }
    std::string path = a.positionals()[0];
    // A series on a server: its first instance (Instance Number order), once retrieved.
    bool remote = false;
    std::vector<std::string> problems;
    std::size_t instances = 1;
    try {
        const std::vector<std::string> expanded = expandInputs({path}, &remote, &problems);
        instances = expanded.size();
        path = expanded.front();
    } catch (const Error& e) {
        std::cerr << "dcmlens: " << e.what() << std::endl;
        return 1;
    }
    for (const std::string& p : problems) {
        std::cerr << "dcmlens: " << p << std::endl;
    }
    try {
        const std::unique_ptr<dicom::DicomFile> opened = openInput(path);
        dicom::DicomFile& file = *opened;
        if (a.has("--tags")) {
            std::cout << dumpTags(file.tagTree());
            return 0;
        }
        std::string text = a.has("--json") ? infoJson(file.instance(), file.hasImage())
                                           : infoText(file.instance(), file.hasImage());
        if (file.hasImage()) {
            const auto layout = file.pixelLayout();
            if (a.has("--json")) {
                JsonWriter j;
                j.beginObject();
                jsonPixelLayout(j, layout);
                j.endObject();
                // Splice {"pixel_data": ...} into the object: drop the outer braces.
                const std::string inner = j.str().substr(1, j.str().size() - 2);
                text.insert(text.size() - 1, "," + inner);
            } else if (layout.encapsulated) {
                std::ostringstream s;
                s << "pixel data:       encapsulated, offset table of "
                  << entries(layout.offsetTable.size()) << ", "
                  << model::countText(layout.fragments.size(), "fragment") << "\n";
                for (std::size_t i = 0; i < layout.fragments.size(); ++i) {
                    s << "  fragment " << i + 1 << ":     offset " << layout.fragments[i].offset
                      << ", " << model::countText(layout.fragments[i].length, "byte") << "\n";
                }
                for (std::size_t f = 0; f < layout.frameFragments.size(); ++f) {
                    const auto [first, count] = layout.frameFragments[f];
                    s << "  frame " << f + 1 << ":        "
                      << (count == 1 ? "fragment " + std::to_string(first + 1)
                                     : "fragments " + std::to_string(first + 1) + "-" +
                                           std::to_string(first + count))
                      << "\n";
                }
                text += s.str();
            } else {
                text += "pixel data:       native, " +
                        model::countText(layout.nativeBytes, "byte") + ", " +
                        std::to_string(layout.frameBytes) + " per frame\n";
            }
        }
        if (remote && a.has("--json")) {
            text.insert(text.size() - 1, ",\"series_instances\":" + std::to_string(instances));
        } else if (remote) {
            text = "series:           " + std::to_string(instances) + " instances, the first:\n" +
                   text;
        } else if (dicom::isDicomdir(path)) {
            appendDicomdir(text, path, a.has("--json"));
        }
        std::cout << text << (a.has("--json") ? "\n" : "");
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
