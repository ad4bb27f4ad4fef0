#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/pixel_buffer.hpp"

namespace dcmlens::model {

// (0028,0004) Photometric Interpretation.
enum class Photometric {
    Monochrome1,
    Monochrome2,
    Rgb,
    YbrFull,
    YbrFull422,
    YbrPartial422,
    YbrRct,
    YbrIct,
    PaletteColor,
    Unknown
};

Photometric parsePhotometric(const std::string& text);
const char* photometricName(Photometric p);
inline bool isMonochrome(Photometric p) {
    return p == Photometric::Monochrome1 || p == Photometric::Monochrome2;
}

// How the pixel data is laid out (group 0028 of the Image Pixel Module, PS3.3 C.7.6.3).
struct PixelDescriptor {
    int rows = 0;             // (0028,0010)
    int columns = 0;          // (0028,0011)
    int frames = 1;           // (0028,0008) Number of Frames
    int samplesPerPixel = 1;  // (0028,0002)
    Photometric photometric = Photometric::Monochrome2;
    std::string photometricText;  // (0028,0004) as written in the file
    int bitsAllocated = 16;       // (0028,0100)
    int bitsStored = 16;          // (0028,0101)
    int highBit = 15;             // (0028,0102)
    bool isSigned = false;        // (0028,0103) Pixel Representation 1
    int planarConfiguration = 0;  // (0028,0006)
};

// A lookup table as DICOM encodes it: LUT Descriptor [count, first mapped value, bits] and LUT
// Data (PS3.3 C.11.1.1). Used for the Modality LUT, VOI LUTs and palette colour tables.
struct Lut {
    std::int32_t firstMapped = 0;  // the input value mapped to entries[0]
    int bits = 16;                 // bits per entry as the descriptor (or data) says
    std::vector<std::uint16_t> entries;
    std::string explanation;  // (0028,3003) LUT Explanation
};
// LUTs are immutable once read and shared by every pipeline that uses them, so the GPU renderer
// can keep one texture per table.
using LutPtr = std::shared_ptr<const Lut>;

// (0028,1050)/(0028,1051)/(0028,1055): the i-th center, width and explanation belong together.
struct Window {
    double center = 0;
    double width = 0;
    std::string explanation;
};

// (0028,1056) VOI LUT Function.
enum class VoiFunction { Linear, LinearExact, Sigmoid };
const char* voiFunctionName(VoiFunction f);
std::optional<VoiFunction> parseVoiFunction(const std::string& text);

// (2050,0020) Presentation LUT Shape.
enum class PresentationShape { Identity, Inverse };

// The modality transform (PS3.3 C.11.1): rescale, or a Modality LUT Sequence (0028,3000).
struct ModalityInfo {
    double slope = 1.0;       // (0028,1053)
    double intercept = 0.0;   // (0028,1052)
    std::string rescaleType;  // (0028,1054), e.g. "HU"
    bool hasRescale = false;
    LutPtr lut;  // null when the object has none
};

// Everything the VOI stage needs.
struct VoiInfo {
    std::vector<Window> windows;
    VoiFunction function = VoiFunction::Linear;
    std::vector<LutPtr> luts;  // (0028,3010) VOI LUT Sequence items
};

// Values that count as "no data" (PS3.3 C.7.5.1.1.2), compared in the stored domain.
struct Padding {
    std::optional<std::int64_t> value;       // (0028,0120) Pixel Padding Value
    std::optional<std::int64_t> rangeLimit;  // (0028,0121) Pixel Padding Range Limit
    bool contains(std::int64_t stored) const {
        if (!value) {
            return false;
        }
        if (!rangeLimit) {
            return stored == *value;
        }
        const auto lo = std::min(*value, *rangeLimit);
        const auto hi = std::max(*value, *rangeLimit);
        return stored >= lo && stored <= hi;
    }
};

// Palette Color Lookup Tables (0028,1101..1103 descriptors, 0028,1201..1203 or segmented
// 0028,1221..1223 data), expanded to plain tables.
struct Palette {
    Lut red;
    Lut green;
    Lut blue;
};

// One overlay plane (60xx,3000), unpacked to one byte per pixel (0 or 1).
struct Overlay {
    std::uint16_t group = 0x6000;
    int rows = 0;
    int columns = 0;
    int originRow = 1;  // (60xx,0050), 1-based
    int originColumn = 1;
    int frames = 1;      // (60xx,0015)
    int firstFrame = 1;  // (60xx,0051)
    std::string type;    // (60xx,0040) G or R
    std::string description;
    std::vector<std::uint8_t> bits;
};

// Image Plane Module (PS3.3 C.7.6.2) and friends.
struct Geometry {
    std::optional<std::array<double, 3>> position;      // (0020,0032) Image Position (Patient)
    std::optional<std::array<double, 6>> orientation;   // (0020,0037) Image Orientation (Patient)
    std::optional<std::array<double, 2>> pixelSpacing;  // (0028,0030) row, column spacing in mm
    std::optional<std::array<double, 2>> aspectRatio;   // (0028,0034) Pixel Aspect Ratio
    std::optional<double> sliceThickness;               // (0018,0050)
    std::string frameOfReferenceUid;                    // (0020,0052)
    std::optional<int> instanceNumber;                  // (0020,0013)
};

// What an enhanced multi-frame object says about one frame (Per-frame / Shared Functional
// Groups, (5200,9230) / (5200,9229)); unset fields fall back to the top-level attributes.
struct FrameAttributes {
    std::optional<ModalityInfo> modality;        // Pixel Value Transformation (0028,9145)
    std::optional<std::vector<Window>> windows;  // Frame VOI LUT (0028,9132)
    std::optional<VoiFunction> voiFunction;
    std::optional<std::array<double, 3>> position;      // Plane Position (0020,9113)
    std::optional<std::array<double, 6>> orientation;   // Plane Orientation (0020,9116)
    std::optional<std::array<double, 2>> pixelSpacing;  // Pixel Measures (0028,9110)
};

// One data element of the tag tree, for the UI and `dcmlens info`.
struct TagItem;
struct TagNode {
    // The length of a sequence or of encapsulated pixel data that the file gives as undefined
    // (delimited by items, PS3.5 7.5.1 and A.4); dcmdump shows it as "u/l".
    static constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFF;
    std::uint16_t group = 0;
    std::uint16_t element = 0;
    std::string vr;            // "" for items and fragments, which have none
    std::uint32_t length = 0;  // the value's length in bytes as the file gives it
    std::string keyword;       // "PatientName"; "" when unknown
    // The value as text, shortened for long values; binary values (OB, OW, OF, ...) of more than
    // 16 bytes as "(N bytes)", pixel data as "(pixel data, N bytes)", never as their bytes.
    std::string value;
    std::string privateCreator;  // for private elements: the creator of their block
    std::vector<TagItem> items;  // sequence items (VR SQ) or pixel data fragments
};
struct TagItem {
    std::vector<TagNode> elements;
};

// A decoded DICOM object: attributes for the display pipeline and the stored pixel values.
struct Instance {
    std::string path;
    std::string transferSyntaxUid;
    std::string transferSyntaxName;
    std::string sopClassUid;
    std::string sopClassName;
    std::string sopInstanceUid;
    std::string studyInstanceUid;
    std::string seriesInstanceUid;
    std::string modalityCode;       // (0008,0060)
    std::string patientName;        // (0010,0010)
    std::string patientId;          // (0010,0020)
    std::string studyDescription;   // (0008,1030)
    std::string seriesDescription;  // (0008,103E)
    std::string studyDate;          // (0008,0020), as written (model/display_text.hpp shows it)
    std::string studyTime;          // (0008,0030), as written
    double frameTimeMs = 0;         // (0018,1063) Frame Time; 0 when absent

    PixelDescriptor pixel;  // as in the file
    // Where native little-endian Pixel Data lies in the file, when it does: a loader that has the
    // header may read the frames from there without parsing the file again, as long as the file
    // is still the same one (device and inode) with the same size, modification time and status
    // change time (which no one can set back: a rewrite in place that restores the mtime shows).
    // For an instance in memory (`encoded`): where the value lies in those bytes (fileSize is
    // their size; the times and file identity are 0).
    struct NativePixels {
        std::uint64_t offset = 0;  // of the value
        std::uint64_t length = 0;
        std::uint64_t fileSize = 0;
        std::int64_t modifiedNs = 0;
        std::int64_t changedNs = 0;
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
    };
    std::optional<NativePixels> nativePixels;
    // The encoded object (a Part 10 file's bytes) when the instance lives in memory rather than in
    // the file at `path` (a retrieved instance): loaders decode from these bytes. Shared, never
    // copied; null for files.
    std::shared_ptr<const std::vector<std::uint8_t>> encoded;
    // Photometric of the decoded values: JPEG decoders may already have turned YBR into RGB,
    // and YBR_FULL_422 is expanded to YBR_FULL on decode.
    Photometric decodedPhotometric = Photometric::Monochrome2;

    ModalityInfo modality;
    VoiInfo voi;
    std::optional<PresentationShape> presentationShape;
    Padding padding;
    std::shared_ptr<const Palette> palette;
    std::vector<Overlay> overlays;
    Geometry geometry;
    // Per frame with an item in the Per-frame Functional Groups Sequence (shared groups applied,
    // then the frame's): at most Number of Frames entries. Frames beyond take the shared groups.
    std::vector<FrameAttributes> frameAttributes;
    std::optional<FrameAttributes> sharedFrameAttributes;  // (5200,9229), when present

    PixelBuffer stored;  // empty until decoded

    // The modality transform of a frame, taking enhanced per-frame groups into account.
    const ModalityInfo& modalityFor(int frame) const;
    // The windows of a frame, taking enhanced per-frame groups into account.
    const std::vector<Window>& windowsFor(int frame) const;
    VoiFunction voiFunctionFor(int frame) const;
};

}  // namespace dcmlens::model
