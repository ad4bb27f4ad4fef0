// Builds the tag tree shown by the tag panel and `dcmlens info`: every element with tag, VR,
// length, keyword and value as text; sequences with their items; pixel data fragments; private
// elements with their creator.

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <vector>

#include "model/instance.hpp"

namespace dcmlens::dicom {

namespace {

// Long values (a LUT, pixel data) are summarised: the panel shows bytes in the hex view.
constexpr unsigned long kMaxTextValues = 32;
constexpr std::size_t kMaxTextChars = 256;

std::string valueText(DcmElement& element) {
    const DcmEVR vr = element.ident();
    if (vr == EVR_OB || vr == EVR_OW || vr == EVR_OF || vr == EVR_OD || vr == EVR_OL ||
        vr == EVR_UN || vr == EVR_ox || vr == EVR_px || vr == EVR_pixelSQ) {
        return "(" + std::to_string(element.getLength()) + " bytes)";
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
        text = text.substr(0, kMaxTextChars) + "... (" + std::to_string(vm) + " values)";
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
        node.value = std::to_string(seq->card()) + (seq->card() == 1 ? " item" : " items");
        return node;
    }
    if (auto* pixel = dynamic_cast<DcmPixelData*>(&element)) {
        DcmPixelSequence* fragments = nullptr;
        E_TransferSyntax xfer = EXS_Unknown;
        const DcmRepresentationParameter* param = nullptr;
        pixel->getOriginalRepresentationKey(xfer, param);
        if (DcmXfer(xfer).isEncapsulated() &&
            pixel->getEncapsulatedRepresentation(xfer, param, fragments).good() && fragments) {
            for (unsigned long i = 0; i < fragments->card(); ++i) {
                DcmPixelItem* item = nullptr;
                fragments->getItem(item, i);
                model::TagNode frag;
                frag.group = 0xFFFE;
                frag.element = 0xE000;
                frag.length = item ? item->getLength() : 0;
                frag.keyword = i == 0 ? "BasicOffsetTable" : "Fragment";
                frag.value = "(" + std::to_string(frag.length) + " bytes)";
                node.items.push_back(model::TagItem{{frag}});
            }
            node.value = "encapsulated, " + std::to_string(fragments->card()) + " items";
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
