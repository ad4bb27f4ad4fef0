#include "dicom/attributes.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <limits>

#include "common/error.hpp"
#include "dicom/lut_decoding.hpp"

namespace dcmlens::dicom {

std::optional<std::string> getString(DcmItem& item, const DcmTagKey& tag, unsigned long pos) {
    OFString value;
    if (item.findAndGetOFString(tag, value, pos).bad()) {
        return std::nullopt;
    }
    std::string s(value.c_str());
    while (!s.empty() && s.back() == ' ') {
        s.pop_back();
    }
    return s;
}

std::optional<double> getNumber(DcmItem& item, const DcmTagKey& tag, unsigned long pos) {
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element).bad() || element == nullptr) {
        return std::nullopt;
    }
    Float64 f;
    if (element->getFloat64(f, pos).good()) {
        return f;
    }
    if (auto i = getInteger(item, tag, pos)) {
        return static_cast<double>(*i);
    }
    return std::nullopt;
}

std::optional<long> getInteger(DcmItem& item, const DcmTagKey& tag, unsigned long pos) {
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element).bad() || element == nullptr ||
        element->getVM() <= pos) {
        return std::nullopt;
    }
    switch (element->ident()) {
        case EVR_US: {
            Uint16 v;
            return element->getUint16(v, pos).good() ? std::optional<long>(v) : std::nullopt;
        }
        case EVR_SS: {
            Sint16 v;
            return element->getSint16(v, pos).good() ? std::optional<long>(v) : std::nullopt;
        }
        case EVR_UL: {
            Uint32 v;
            return element->getUint32(v, pos).good() ? std::optional<long>(v) : std::nullopt;
        }
        case EVR_SL:
        case EVR_IS: {
            Sint32 v;
            return element->getSint32(v, pos).good() ? std::optional<long>(v) : std::nullopt;
        }
        default: {
            OFString text;
            if (element->getOFString(text, pos).good()) {
                try {
                    return std::stol(text.c_str());
                } catch (const std::exception&) {
                    return std::nullopt;
                }
            }
            return std::nullopt;
        }
    }
}

unsigned long valueCount(DcmItem& item, const DcmTagKey& tag) {
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element).bad() || element == nullptr) {
        return 0;
    }
    return element->getVM();
}

DcmItem* firstItem(DcmItem& item, const DcmTagKey& sequence) {
    DcmSequenceOfItems* seq = nullptr;
    if (item.findAndGetSequence(sequence, seq).bad() || seq == nullptr || seq->card() == 0) {
        return nullptr;
    }
    return seq->getItem(0);
}

namespace {

template <std::size_t N>
std::optional<std::array<double, N>> getNumbers(DcmItem& item, const DcmTagKey& tag) {
    if (valueCount(item, tag) < N) {
        return std::nullopt;
    }
    std::array<double, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        auto v = getNumber(item, tag, i);
        if (!v) {
            return std::nullopt;
        }
        out[i] = *v;
    }
    return out;
}

// Reads a LUT Descriptor + LUT Data pair (PS3.3 C.11.1.1). The first mapped value is signed
// when the image's values are signed, whatever VR the descriptor was written with.
std::optional<model::Lut> readLut(DcmItem& item, const DcmTagKey& descriptorTag,
                                  const DcmTagKey& dataTag, bool signedInput,
                                  const DcmTagKey* segmentedTag = nullptr) {
    auto count = getInteger(item, descriptorTag, 0);
    auto first = getInteger(item, descriptorTag, 1);
    auto bits = getInteger(item, descriptorTag, 2);
    if (!count || !first || !bits) {
        return std::nullopt;
    }
    model::Lut lut;
    lut.firstMapped = signedInput ? static_cast<Sint16>(static_cast<Uint16>(*first))
                                  : static_cast<Uint16>(*first);
    const std::size_t entries = lutEntryCount(static_cast<std::uint32_t>(*count) & 0xFFFF);

    DcmElement* data = nullptr;
    const bool segmented = segmentedTag != nullptr &&
                           item.findAndGetElement(*segmentedTag, data).good() && data != nullptr;
    if (!segmented && (item.findAndGetElement(dataTag, data).bad() || data == nullptr)) {
        return std::nullopt;
    }
    Uint16* words = nullptr;
    if (data->getUint16Array(words).bad() || words == nullptr) {
        Uint8* bytes = nullptr;  // 8-bit LUT data written as OB
        if (data->getUint8Array(bytes).bad() || bytes == nullptr) {
            throw Error("lookup table data cannot be read");
        }
        std::vector<std::uint16_t> wide(bytes, bytes + data->getLength());
        lut.entries = unpackLutWords(wide.data(), wide.size(), entries, 16);
    } else {
        const std::size_t wordCount = data->getLength() / 2;
        lut.entries = segmented
                          ? expandSegmentedLut(words, wordCount, entries)
                          : unpackLutWords(words, wordCount, entries, static_cast<int>(*bits));
    }
    lut.bits = effectiveLutBits(lut.entries, static_cast<int>(*bits));
    lut.explanation = getString(item, DCM_LUTExplanation).value_or("");
    return lut;
}

std::vector<model::Window> readWindows(DcmItem& item) {
    std::vector<model::Window> windows;
    const unsigned long n =
        std::min(valueCount(item, DCM_WindowCenter), valueCount(item, DCM_WindowWidth));
    for (unsigned long i = 0; i < n; ++i) {
        auto c = getNumber(item, DCM_WindowCenter, i);
        auto w = getNumber(item, DCM_WindowWidth, i);
        if (!c || !w) {
            continue;
        }
        windows.push_back(
            {*c, *w, getString(item, DCM_WindowCenterWidthExplanation, i).value_or("")});
    }
    return windows;
}

std::optional<model::ModalityInfo> readRescale(DcmItem& item) {
    auto slope = getNumber(item, DCM_RescaleSlope);
    auto intercept = getNumber(item, DCM_RescaleIntercept);
    if (!slope && !intercept) {
        return std::nullopt;
    }
    model::ModalityInfo m;
    m.hasRescale = true;
    m.slope = slope.value_or(1.0);
    m.intercept = intercept.value_or(0.0);
    m.rescaleType = getString(item, DCM_RescaleType).value_or("");
    return m;
}

void readOverlays(DcmItem& dataset, model::Instance& out) {
    for (Uint16 group = 0x6000; group <= 0x601E; group += 2) {
        DcmElement* data = nullptr;
        if (dataset.findAndGetElement(DcmTagKey(group, 0x3000), data).bad() || data == nullptr) {
            continue;
        }
        model::Overlay ov;
        ov.group = group;
        ov.rows = static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0010)).value_or(0));
        ov.columns = static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0011)).value_or(0));
        ov.type = getString(dataset, DcmTagKey(group, 0x0040)).value_or("G");
        ov.originRow =
            static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0050), 0).value_or(1));
        ov.originColumn =
            static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0050), 1).value_or(1));
        ov.frames = static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0015)).value_or(1));
        ov.firstFrame = static_cast<int>(getInteger(dataset, DcmTagKey(group, 0x0051)).value_or(1));
        ov.description = getString(dataset, DcmTagKey(group, 0x0022)).value_or("");
        if (ov.rows <= 0 || ov.columns <= 0 || ov.frames <= 0) {
            continue;
        }
        Uint8* bytes = nullptr;
        Uint16* words = nullptr;
        std::vector<std::uint8_t> packed;
        if (data->getUint8Array(bytes).good() && bytes != nullptr) {
            packed.assign(bytes, bytes + data->getLength());
        } else if (data->getUint16Array(words).good() && words != nullptr) {
            for (unsigned long i = 0; i < data->getLength() / 2; ++i) {
                packed.push_back(static_cast<std::uint8_t>(words[i] & 0xFF));
                packed.push_back(static_cast<std::uint8_t>(words[i] >> 8));
            }
        }
        const std::size_t bits = static_cast<std::size_t>(ov.rows) * ov.columns * ov.frames;
        if (packed.size() * 8 < bits) {
            continue;  // truncated overlay data: not worth failing the image for
        }
        ov.bits.resize(bits);
        for (std::size_t i = 0; i < bits; ++i) {
            ov.bits[i] = (packed[i / 8] >> (i % 8)) & 1;  // PS3.5 8.1.2: LSB first
        }
        out.overlays.push_back(std::move(ov));
    }
}

int saturatedInt(long v) {
    return static_cast<int>(
        std::clamp<long>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

// Enhanced multi-frame objects (PS3.3 C.7.6.16): shared groups apply to every frame, per-frame
// groups override them. One entry per frame that has a Per-frame Functional Groups item (at most
// Number of Frames): the items are in the file, so a header claiming 2^31 frames (or 0) costs
// nothing; frames beyond them take the shared groups alone.
void readFunctionalGroups(DcmItem& dataset, model::Instance& out) {
    DcmSequenceOfItems* perFrame = nullptr;
    DcmItem* shared = firstItem(dataset, DCM_SharedFunctionalGroupsSequence);
    dataset.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame);
    if (shared == nullptr && perFrame == nullptr) {
        return;
    }
    auto apply = [](DcmItem* groups, model::FrameAttributes& f) {
        if (groups == nullptr) {
            return;
        }
        if (DcmItem* pvt = firstItem(*groups, DCM_PixelValueTransformationSequence)) {
            if (auto m = readRescale(*pvt)) {
                f.modality = m;
            }
        }
        if (DcmItem* voi = firstItem(*groups, DCM_FrameVOILUTSequence)) {
            f.windows = readWindows(*voi);
            if (auto fn = getString(*voi, DCM_VOILUTFunction)) {
                f.voiFunction = model::parseVoiFunction(*fn);
            }
        }
        if (DcmItem* pos = firstItem(*groups, DCM_PlanePositionSequence)) {
            if (auto p = getNumbers<3>(*pos, DCM_ImagePositionPatient)) {
                f.position = p;
            }
        }
        if (DcmItem* ori = firstItem(*groups, DCM_PlaneOrientationSequence)) {
            if (auto o = getNumbers<6>(*ori, DCM_ImageOrientationPatient)) {
                f.orientation = o;
            }
        }
        if (DcmItem* px = firstItem(*groups, DCM_PixelMeasuresSequence)) {
            if (auto s = getNumbers<2>(*px, DCM_PixelSpacing)) {
                f.pixelSpacing = s;
            }
        }
    };
    model::FrameAttributes common;
    apply(shared, common);
    out.sharedFrameAttributes = common;
    const unsigned long items = perFrame != nullptr ? perFrame->card() : 0;
    const auto frames = static_cast<unsigned long>(std::max(0, out.pixel.frames));
    out.frameAttributes.assign(std::min(items, frames), common);
    for (std::size_t i = 0; i < out.frameAttributes.size(); ++i) {
        apply(perFrame->getItem(static_cast<unsigned long>(i)), out.frameAttributes[i]);
    }
    // The whole object's geometry defaults to the first frame's.
    const model::FrameAttributes& f0 =
        out.frameAttributes.empty() ? common : out.frameAttributes.front();
    if (!out.geometry.position && f0.position) {
        out.geometry.position = f0.position;
    }
    if (!out.geometry.orientation && f0.orientation) {
        out.geometry.orientation = f0.orientation;
    }
    if (!out.geometry.pixelSpacing && f0.pixelSpacing) {
        out.geometry.pixelSpacing = f0.pixelSpacing;
    }
}

}  // namespace

void readAttributes(DcmItem& dataset, model::Instance& out) {
    out.sopClassUid = getString(dataset, DCM_SOPClassUID).value_or("");
    const char* sopName = dcmFindNameOfUID(out.sopClassUid.c_str());
    out.sopClassName = sopName ? sopName : "";
    out.sopInstanceUid = getString(dataset, DCM_SOPInstanceUID).value_or("");
    out.studyInstanceUid = getString(dataset, DCM_StudyInstanceUID).value_or("");
    out.seriesInstanceUid = getString(dataset, DCM_SeriesInstanceUID).value_or("");
    out.modalityCode = getString(dataset, DCM_Modality).value_or("");
    out.patientName = getString(dataset, DCM_PatientName).value_or("");
    out.patientId = getString(dataset, DCM_PatientID).value_or("");
    out.studyDescription = getString(dataset, DCM_StudyDescription).value_or("");
    out.seriesDescription = getString(dataset, DCM_SeriesDescription).value_or("");
    out.studyDate = getString(dataset, DCM_StudyDate).value_or("");
    out.studyTime = getString(dataset, DCM_StudyTime).value_or("");
    if (auto ft = getNumber(dataset, DCM_FrameTime)) {
        out.frameTimeMs = *ft;
    } else if (auto rate = getNumber(dataset, DCM_RecommendedDisplayFrameRate); rate && *rate > 0) {
        out.frameTimeMs = 1000.0 / *rate;
    } else if (auto cine = getNumber(dataset, DCM_CineRate); cine && *cine > 0) {
        out.frameTimeMs = 1000.0 / *cine;
    }

    model::PixelDescriptor& px = out.pixel;
    // Saturated into int: a malformed header's 2^40 must not wrap to a plausible size.
    px.rows = saturatedInt(getInteger(dataset, DCM_Rows).value_or(0));
    px.columns = saturatedInt(getInteger(dataset, DCM_Columns).value_or(0));
    px.frames = saturatedInt(getInteger(dataset, DCM_NumberOfFrames).value_or(1));
    px.samplesPerPixel = saturatedInt(getInteger(dataset, DCM_SamplesPerPixel).value_or(1));
    px.photometricText = getString(dataset, DCM_PhotometricInterpretation).value_or("");
    px.photometric = px.photometricText.empty() && px.samplesPerPixel == 1
                         ? model::Photometric::Monochrome2
                         : model::parsePhotometric(px.photometricText);
    px.bitsAllocated = saturatedInt(getInteger(dataset, DCM_BitsAllocated).value_or(0));
    px.bitsStored = saturatedInt(getInteger(dataset, DCM_BitsStored).value_or(px.bitsAllocated));
    px.highBit = saturatedInt(getInteger(dataset, DCM_HighBit).value_or(px.bitsStored - 1L));
    px.isSigned = getInteger(dataset, DCM_PixelRepresentation).value_or(0) == 1;
    px.planarConfiguration =
        static_cast<int>(getInteger(dataset, DCM_PlanarConfiguration).value_or(0));
    out.decodedPhotometric = px.photometric;

    if (auto m = readRescale(dataset)) {
        out.modality = *m;
    }
    if (DcmItem* mlut = firstItem(dataset, DCM_ModalityLUTSequence)) {
        if (auto lut = readLut(*mlut, DCM_LUTDescriptor, DCM_LUTData, px.isSigned)) {
            out.modality.lut = std::make_shared<const model::Lut>(std::move(*lut));
            out.modality.rescaleType = getString(*mlut, DCM_ModalityLUTType).value_or("");
        }
    }

    out.voi.windows = readWindows(dataset);
    if (auto fn = getString(dataset, DCM_VOILUTFunction)) {
        out.voi.function = model::parseVoiFunction(*fn).value_or(model::VoiFunction::Linear);
    }
    DcmSequenceOfItems* voiLuts = nullptr;
    if (dataset.findAndGetSequence(DCM_VOILUTSequence, voiLuts).good() && voiLuts != nullptr) {
        // A VOI LUT's input is the modality output: signed when the modality values can be.
        const bool signedInput =
            px.isSigned || out.modality.intercept < 0 || out.modality.slope < 0;
        for (unsigned long i = 0; i < voiLuts->card(); ++i) {
            if (auto lut =
                    readLut(*voiLuts->getItem(i), DCM_LUTDescriptor, DCM_LUTData, signedInput)) {
                out.voi.luts.push_back(std::make_shared<const model::Lut>(std::move(*lut)));
            }
        }
    }

    if (auto shape = getString(dataset, DCM_PresentationLUTShape)) {
        if (*shape == "INVERSE") {
            out.presentationShape = model::PresentationShape::Inverse;
        } else if (*shape == "IDENTITY") {
            out.presentationShape = model::PresentationShape::Identity;
        }
    }

    if (auto v = getInteger(dataset, DCM_PixelPaddingValue)) {
        out.padding.value = px.isSigned ? static_cast<Sint16>(static_cast<Uint16>(*v)) : *v;
    }
    if (auto v = getInteger(dataset, DCM_PixelPaddingRangeLimit)) {
        out.padding.rangeLimit = px.isSigned ? static_cast<Sint16>(static_cast<Uint16>(*v)) : *v;
    }

    if (px.photometric == model::Photometric::PaletteColor) {
        const DcmTagKey segR = DCM_SegmentedRedPaletteColorLookupTableData;
        const DcmTagKey segG = DCM_SegmentedGreenPaletteColorLookupTableData;
        const DcmTagKey segB = DCM_SegmentedBluePaletteColorLookupTableData;
        auto r = readLut(dataset, DCM_RedPaletteColorLookupTableDescriptor,
                         DCM_RedPaletteColorLookupTableData, false, &segR);
        auto g = readLut(dataset, DCM_GreenPaletteColorLookupTableDescriptor,
                         DCM_GreenPaletteColorLookupTableData, false, &segG);
        auto b = readLut(dataset, DCM_BluePaletteColorLookupTableDescriptor,
                         DCM_BluePaletteColorLookupTableData, false, &segB);
        if (r && g && b) {
            out.palette = std::make_shared<const model::Palette>(
                model::Palette{std::move(*r), std::move(*g), std::move(*b)});
        }
    }

    readOverlays(dataset, out);

    model::Geometry& geo = out.geometry;
    geo.position = getNumbers<3>(dataset, DCM_ImagePositionPatient);
    geo.orientation = getNumbers<6>(dataset, DCM_ImageOrientationPatient);
    geo.pixelSpacing = getNumbers<2>(dataset, DCM_PixelSpacing);
    geo.aspectRatio = getNumbers<2>(dataset, DCM_PixelAspectRatio);
    geo.sliceThickness = getNumber(dataset, DCM_SliceThickness);
    geo.frameOfReferenceUid = getString(dataset, DCM_FrameOfReferenceUID).value_or("");
    if (auto n = getInteger(dataset, DCM_InstanceNumber)) {
        geo.instanceNumber = static_cast<int>(*n);
    }

    readFunctionalGroups(dataset, out);
}

}  // namespace dcmlens::dicom
