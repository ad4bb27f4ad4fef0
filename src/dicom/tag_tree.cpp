// Builds the tag tree shown by the tag panel and `dcmlens info`: every element with tag, VR,
// length, keyword and value as text; sequences with their items; pixel data fragments; private
// elements with their creator.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <vector>

#include "model/display_text.hpp"
#include "model/instance.hpp"

namespace dcmlens::dicom {

namespace {

// Long values (a LUT, pixel data) are summarised: the panel shows bytes in the hex view.
constexpr unsigned long kMaxTextValues = 32;
constexpr std::size_t kMaxTextChars = 256;
// Binary values up to this many bytes are shown (as hex bytes or words, or numbers for OF/OD/OL/
// OV), as dcmdump shows them; longer ones by their length only.
constexpr Uint32 kMaxBinaryBytes = 16;

bool isBinary(DcmEVR vr) {
    switch (vr) {
        case EVR_OB:
        case EVR_OW:
        case EVR_OF:
        case EVR_OD:
        case EVR_OL:
        case EVR_OV:
        case EVR_UN:
        case EVR_ox:  // OB or OW, not yet known (DCMTK's pseudo VRs)
        case EVR_px:
        case EVR_lt:
        case EVR_PixelData:
        case EVR_OverlayData:
        case EVR_pixelSQ:
            return true;
        default:
            return false;
    }
}

// What bulk data an element holds, or nullptr: Pixel Data and its float variants (PS3.3
// C.7.6.3), Overlay Data (60xx,3000; C.9.2), Waveform Data (5400,1010; C.10.9). Their values are
// images or signals: their first bytes are no text to read (dcmdump prints them as hex words).
const char* bulkData(const DcmTagKey& tag) {
    if (tag == DCM_PixelData || tag == DCM_FloatPixelData || tag == DCM_DoubleFloatPixelData) {
        return "pixel data";
    }
    if ((tag.getGroup() & 0xFF01) == 0x6000 && tag.getElement() == 0x3000) {
        return "overlay data";
    }
    if (tag == DCM_WaveformData) {
        return "waveform data";
    }
    return nullptr;
}

std::string bytesText(std::uint64_t n) {
    return model::countText(n, "byte");
}

std::string valueText(DcmElement& element) {
    const Uint32 length = element.getLength();
    if (const char* bulk = bulkData(element.getTag())) {
        return "(" + std::string(bulk) + ", " + bytesText(length) + ")";
    }
    if (isBinary(element.ident()) || isBinary(element.getTag().getEVR())) {
        OFString v;
        if (length == 0) {
            return "";
        }
        if (length <= kMaxBinaryBytes && element.getOFStringArray(v).good()) {
            return v.c_str();  // "00\01", as dcmdump prints it
        }
        return "(" + bytesText(length) + ")";
    }
    const unsigned long vm = element.getVM();
    std::string text;
    for (unsigned long i = 0; i < vm && i < kMaxTextValues; ++i) {
        OFString v;
        if (element.getOFString(v, i).bad()) {
            break;
        }
        if (i > 0) {
            text += '\\';
        }
        text += v.c_str();
        if (text.size() > kMaxTextChars) {
            break;
        }
    }
    if (vm > kMaxTextValues || text.size() > kMaxTextChars) {
        text = text.substr(0, kMaxTextChars) + "... (" + model::countText(vm, "value") + ")";
    }
    return text;
}

model::TagNode nodeFor(DcmElement& element);

std::vector<model::TagNode> nodesOf(DcmItem& item) {
    std::vector<model::TagNode> nodes;
    for (unsigned long i = 0; i < item.card(); ++i) {
        if (DcmElement* e = item.getElement(i)) {
            nodes.push_back(nodeFor(*e));
        }
    }
    return nodes;
}

model::TagNode nodeFor(DcmElement& element) {
    model::TagNode node;
    DcmTag tag = element.getTag();
    node.group = tag.getGTag();
    node.element = tag.getETag();
    node.vr = DcmVR(element.getVR()).getVRName();
    node.length = element.getLength();
    const char* name = tag.getTagName();
    node.keyword = (name && std::string(name) != DcmTag_ERROR_TagName) ? name : "";
    if (const char* creator = tag.getPrivateCreator()) {
        node.privateCreator = creator;
    }
    if (auto* seq = dynamic_cast<DcmSequenceOfItems*>(&element)) {
        for (unsigned long i = 0; i < seq->card(); ++i) {
            node.items.push_back(model::TagItem{nodesOf(*seq->getItem(i))});
        }
        node.value = model::countText(seq->card(), "item");
        // As the file gives it (an explicit length, or undefined), as dcmdump shows it; not the
        // length DCMTK would write now.
        node.length = seq->getLengthField();
        return node;
    }
    if (auto* pixel = dynamic_cast<DcmPixelData*>(&element)) {
        DcmPixelSequence* fragments = nullptr;
        E_TransferSyntax xfer = EXS_Unknown;
        const DcmRepresentationParameter* param = nullptr;
        pixel->getOriginalRepresentationKey(xfer, param);
        if (DcmXfer(xfer).isEncapsulated() &&
            pixel->getEncapsulatedRepresentation(xfer, param, fragments).good() && fragments) {
            // PS3.5 A.4: item 1 is the Basic Offset Table (maybe empty), then the fragments;
            // the element's length is undefined.
            for (unsigned long i = 0; i < fragments->card(); ++i) {
                DcmPixelItem* item = nullptr;
                fragments->getItem(item, i);
                model::TagNode frag;
                frag.group = 0xFFFE;
                frag.element = 0xE000;
                frag.length = item ? item->getLength() : 0;
                frag.keyword = i == 0 ? "BasicOffsetTable" : "Fragment";
                frag.value =
                    "(" +
                    (i == 0 ? std::string("Basic Offset Table") : "fragment " + std::to_string(i)) +
                    ", " + bytesText(frag.length) + ")";
                node.items.push_back(model::TagItem{{frag}});
            }
            node.length = model::TagNode::kUndefinedLength;
            const unsigned long count = fragments->card() > 0 ? fragments->card() - 1 : 0;
            node.value = "(encapsulated pixel data, " + model::countText(count, "fragment") + ")";
            return node;
        }
    }
    node.value = valueText(element);
    return node;
}

}  // namespace

std::vector<model::TagNode> buildTagTree(DcmFileFormat& file) {
    std::vector<model::TagNode> nodes;
    if (DcmMetaInfo* meta = file.getMetaInfo()) {
        nodes = nodesOf(*meta);
    }
    if (DcmDataset* dataset = file.getDataset()) {
        auto body = nodesOf(*dataset);
        nodes.insert(nodes.end(), body.begin(), body.end());
    }
    return nodes;
}

}  // namespace dcmlens::dicom
